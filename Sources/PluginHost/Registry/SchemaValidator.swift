import MementoCore

/// A small JSON Schema validator for tool arguments: `type`, `required`, `properties`,
/// `additionalProperties: false`, `enum`, `const`, numeric bounds, string lengths and `items`.
/// Keywords it does not know are ignored, so a richer schema still validates what it can.
public enum SchemaValidator {
    /// Every problem found, each as "PATH: what is wrong"; empty means valid.
    public static func problems(_ value: JSONValue, against schema: JSONValue, at path: String = "arguments") -> [String] {
        guard case .object(let rules) = schema else { return [] }
        var found: [String] = []
        if let expected = rules["type"], !matchesType(value, expected) {
            let names = expected.arrayValue?.compactMap(\.stringValue).joined(separator: " or ") ?? expected.stringValue ?? expected.encoded()
            return ["\(path): expected \(names), found \(value.typeName)"]
        }
        if let options = rules["enum"]?.arrayValue, !options.contains(where: { same(value, $0) }) {
            found.append("\(path): \(value.encoded()) is not one of \(options.map { $0.encoded() }.joined(separator: ", "))")
        }
        if let constant = rules["const"], !same(value, constant) {
            found.append("\(path): expected \(constant.encoded())")
        }
        switch value {
        case .number(let number):
            found += bounds(number.doubleValue, rules, path)
        case .string(let text):
            let length = text.unicodeScalars.count
            if let minimum = rules["minLength"]?.int64Value, length < minimum { found.append("\(path): shorter than \(minimum) characters") }
            if let maximum = rules["maxLength"]?.int64Value, length > maximum { found.append("\(path): longer than \(maximum) characters") }
        case .array(let items):
            if let minimum = rules["minItems"]?.int64Value, items.count < minimum { found.append("\(path): fewer than \(minimum) items") }
            if let maximum = rules["maxItems"]?.int64Value, items.count > maximum { found.append("\(path): more than \(maximum) items") }
            if let itemSchema = rules["items"] {
                for (index, item) in items.enumerated() { found += problems(item, against: itemSchema, at: "\(path)[\(index)]") }
            }
        case .object(let members):
            for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                found.append("\(path).\(name): is required")
            }
            let properties = rules["properties"]?.objectValue ?? [:]
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[name] {
                    found += problems(member, against: propertySchema, at: "\(path).\(name)")
                } else if rules["additionalProperties"] == .bool(false) {
                    found.append("\(path).\(name): is not a known property (expected one of \(properties.keys.sorted().joined(separator: ", ")))")
                }
            }
        case .null, .bool:
            break
        }
        return found
    }

    private static func matchesType(_ value: JSONValue, _ expected: JSONValue) -> Bool {
        if let names = expected.arrayValue { return names.contains { matchesType(value, $0) } }
        switch (expected.stringValue, value) {
        case ("integer", .number(let number)): return number.isInteger || number.doubleValue.rounded() == number.doubleValue
        case ("number", .number): return true
        case (let name?, _): return name == value.typeName
        case (nil, _): return true
        }
    }

    /// Equality as JSON means it: numbers by value, so 1 and 1.0 are the same.
    private static func same(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if case .number(let left) = lhs, case .number(let right) = rhs { return left.doubleValue == right.doubleValue }
        return lhs == rhs
    }

    private static func bounds(_ number: Double, _ rules: [String: JSONValue], _ path: String) -> [String] {
        var found: [String] = []
        if let minimum = rules["minimum"]?.doubleValue, number < minimum { found.append("\(path): \(number) is less than the minimum \(minimum)") }
        if let maximum = rules["maximum"]?.doubleValue, number > maximum { found.append("\(path): \(number) is greater than the maximum \(maximum)") }
        if let minimum = rules["exclusiveMinimum"]?.doubleValue, number <= minimum { found.append("\(path): \(number) must be greater than \(minimum)") }
        if let maximum = rules["exclusiveMaximum"]?.doubleValue, number >= maximum { found.append("\(path): \(number) must be less than \(maximum)") }
        return found
    }
}
