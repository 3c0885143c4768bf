import MementoCore
import Testing

@Suite("JSON Schema validation of tool arguments")
struct JSONSchemaValidatorTests {
    let schema: JSONValue = [
        "type": "object",
        "properties": [
            "name": ["type": "string", "minLength": 1, "maxLength": 5],
            "count": ["type": "integer", "minimum": 1, "maximum": 10],
            "ratio": ["type": "number", "exclusiveMaximum": 1],
            "mode": ["enum": ["fast", "slow"]],
            "tags": ["type": "array", "items": ["type": "string"], "maxItems": 2],
            "nested": ["type": "object", "required": ["id"], "properties": ["id": ["type": ["integer", "null"]]]],
        ],
        "required": ["name"],
        "additionalProperties": false,
    ]

    func problems(_ arguments: JSONValue, against schema: JSONValue) -> [String] {
        JSONSchemaValidator(schema: schema).validate(arguments, at: "arguments")
    }

    @Test func acceptsValidArguments() {
        #expect(problems(["name": "ada", "count": 3, "ratio": 0.5, "mode": "fast", "tags": ["a"], "nested": ["id": nil]], against: schema).isEmpty)
        #expect(problems(["name": "ada", "count": 3.0], against: schema).isEmpty)
    }

    @Test(arguments: [
        (JSONValue.array([]), "arguments: expected object, found array"),
        (["count": 1], "arguments.name: is required"),
        (["name": 5], "arguments.name: expected string, found integer"),
        (["name": ""], "arguments.name: shorter than 1 characters"),
        (["name": "abcdef"], "arguments.name: longer than 5 characters"),
        (["name": "a", "count": 11], "arguments.count: 11.0 is greater than the maximum 10.0"),
        (["name": "a", "count": 0], "arguments.count: 0.0 is less than the minimum 1.0"),
        (["name": "a", "count": 1.5], "arguments.count: expected integer, found number"),
        (["name": "a", "ratio": 1], "arguments.ratio: 1.0 must be less than 1.0"),
        (["name": "a", "mode": "medium"], #"arguments.mode: "medium" is not one of "fast", "slow""#),
        (["name": "a", "tags": ["x", 2]], "arguments.tags[1]: expected string, found integer"),
        (["name": "a", "tags": ["x", "y", "z"]], "arguments.tags: more than 2 items"),
        (["name": "a", "nested": [:]], "arguments.nested.id: is required"),
        (["name": "a", "nested": ["id": "x"]], "arguments.nested.id: expected integer or null, found string"),
        (["name": "a", "extra": true], "arguments.extra: is not a known property (expected one of count, mode, name, nested, ratio, tags)"),
    ] as [(JSONValue, String)])
    func reportsEachProblem(_ arguments: JSONValue, _ expected: String) {
        #expect(problems(arguments, against: schema) == [expected])
    }

    /// The validator checks quietly first and explains only on failure: both passes must agree,
    /// through references, recursion and combinators, and every problem is reported, not just
    /// the first one the quiet pass stopped at.
    @Test func theQuietCheckAndTheReportAgree() {
        let tree: JSONValue = [
            "$defs": ["node": ["type": "object", "required": ["value"], "additionalProperties": false, "properties": [
                "value": ["oneOf": [["type": "integer"], ["type": "string", "maxLength": 3]]],
                "children": ["type": "array", "items": ["$ref": "#/$defs/node"]],
            ]]],
            "$ref": "#/$defs/node",
        ]
        let valid: JSONValue = ["value": 1, "children": [["value": "abc"], ["value": 2, "children": [["value": 3]]]]]
        #expect(problems(valid, against: tree).isEmpty)
        let invalid: JSONValue = ["value": 1.5, "children": [["value": "abcd"], ["children": []], ["value": 2, "extra": 1]]]
        #expect(problems(invalid, against: tree) == [
            "arguments.children[0].value: matches 0 of the oneOf alternatives, not exactly one",
            "arguments.children[1].value: is required",
            "arguments.children[2].extra: is not a known property (expected one of children, value)",
            "arguments.value: matches 0 of the oneOf alternatives, not exactly one",
        ])
        #expect(problems(["name": "ada", "count": 0, "extra": true], against: schema).count == 2)
    }

    /// The checks take shortcuts (a type-only schema, items checked in one loop, required names
    /// counted rather than looked up, properties searched in order or by hash): each must still
    /// say exactly what the full check says.
    @Test func theShortcutsReportWhatTheFullCheckReports() {
        let list: JSONValue = ["type": "object", "required": ["values", "id", "id"], "properties": [
            "values": ["type": "array", "items": ["type": "integer", "description": "annotations do not constrain"]],
            "label": ["type": "string"],
        ]]
        #expect(problems(["values": [1, 2, 3], "id": "anything"], against: list).isEmpty)
        #expect(problems(["values": [1, 2.5, 3, "x"], "id": 1], against: list) == [
            "arguments.values[1]: expected integer, found number", "arguments.values[3]: expected integer, found string",
        ])
        // "id" is required without being declared: present, it is any value; absent, it is missing.
        #expect(problems(["values": []], against: list) == ["arguments.id: is required"])
        #expect(problems(["values": [], "id": nil, "label": 5], against: list) == ["arguments.label: expected string, found integer"])

        // More properties than are searched in order: looked up by hash.
        var properties: [String: JSONValue] = [:]
        for index in 0..<12 { properties["p\(index)"] = ["type": index % 2 == 0 ? "integer" : "string"] }
        let wide: JSONValue = ["type": "object", "properties": .object(properties), "required": ["p0", "p11"], "additionalProperties": false]
        #expect(problems(["p0": 1, "p11": "x", "p5": "y"], against: wide).isEmpty)
        #expect(problems(["p0": "1", "p11": "x", "q": 1], against: wide) == [
            "arguments.p0: expected integer, found string",
            "arguments.q: is not a known property (expected one of \((0..<12).map { "p\($0)" }.sorted().joined(separator: ", ")))",
        ])
        #expect(problems(["p11": "x"], against: wide) == ["arguments.p0: is required"])
    }
}
