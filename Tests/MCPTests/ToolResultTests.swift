import Foundation
import MCP
import MementoCore
import Testing

@Suite("Tool results")
struct ToolResultTests {
    @Test func localReferencesAreFollowed() throws {
        let schema = try JSONValue.parse(#"""
            {"type":"object","$defs":{"Zone":{"type":"object","properties":{"tz":{"type":"string"}},"required":["tz"]}},
             "properties":{"source":{"$ref":"#/$defs/Zone"},"n":{"type":"integer","minimum":0}},"required":["source"]}
            """#)
        let validator = JSONSchemaValidator(schema: schema)
        #expect(validator.validate(["source": ["tz": "UTC"], "n": 3]).isEmpty)
        #expect(validator.validate(["source": ["tz": 5]]) == ["$.source.tz: expected string, found integer"])
        #expect(validator.validate(["source": [:], "n": -1]).count == 2)
        #expect(JSONSchemaValidator(schema: ["$ref": "https://example.com/s.json"]).validate(1).first?.contains("only local") == true)
    }

    @Test func combinatorsAndEnums() {
        let schema: JSONValue = ["anyOf": [["type": "string"], ["type": "null"]], "enum": ["a", nil]]
        let validator = JSONSchemaValidator(schema: schema)
        #expect(validator.validate("a").isEmpty)
        #expect(validator.validate(.null).isEmpty)
        #expect(!validator.validate("b").isEmpty)
        #expect(!validator.validate(1).isEmpty)
    }

    @Test func recursiveSchemaIsBounded() {
        let validator = JSONSchemaValidator(schema: ["$ref": "#"])
        #expect(validator.validate(1).contains { $0.contains("nesting exceeds") })
    }

    @Test func everyContentTypeRenders() throws {
        let result = try JSONValue.parse(#"""
            {"content":[{"type":"text","text":"hello"},{"type":"image","data":"AAAA","mimeType":"image/png"},
             {"type":"audio","data":"AAAAAAAA","mimeType":"audio/wav"},{"type":"resource_link","uri":"file:///a","name":"a"},
             {"type":"resource","resource":{"uri":"file:///b","text":"inline"}},
             {"type":"resource","resource":{"uri":"file:///c","mimeType":"application/zip","blob":"AAAA"}},
             {"type":"hologram"}],"isError":false}
            """#)
        let read = ToolCallResult(reading: result, tool: nil, spill: SpillPolicy(directory: nil))
        let lines = read.text.split(separator: "\n").map(String.init)
        #expect(lines == [
            "hello", "[image image/png, about 3 bytes]", "[audio audio/wav, about 6 bytes]", "[resource link a: file:///a]",
            "inline", "[resource file:///c application/zip, about 3 bytes]", #"[unknown content: {"type":"hologram"}]"#,
        ])
    }

    @Test func largeResultsSpillWithAPreview() throws {
        let directory = NSTemporaryDirectory() + "memento-spill-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = String(repeating: "é", count: 100)  // two bytes each: the cut must not split one
        let result: JSONValue = ["content": [["type": "text", "text": .string(text)]]]
        let read = ToolCallResult(reading: result, tool: nil, spill: SpillPolicy(directory: directory, maxInlineBytes: 51))
        let path = try #require(read.spilledTo)
        #expect(read.text.hasPrefix(String(repeating: "é", count: 25) + "\n… [truncated: 200 bytes in all"))
        #expect(try JSONValue.parse(bytes: Data(contentsOf: URL(fileURLWithPath: path))) == result)
    }
}
