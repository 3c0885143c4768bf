import MementoCore

/// The smallest arguments a tool's input schema accepts, so a sample call reaches the tool's
/// code instead of stopping at validation: required members only, each with a plain value
/// of its type within its bounds (the first `enum` or the `const` when there is one).
public enum SampleArguments {
    public static func generate(for schema: JSONValue) -> JSONValue {
        value(for: schema, depth: 0)
    }

    private static func value(for schema: JSONValue, depth: Int) -> JSONValue {
        guard depth < 8, case .object(let keywords) = schema else { return [:] }
        if let constant = keywords["const"] { return constant }
        if let first = keywords["enum"]?.arrayValue?.first { return first }
        if let options = (keywords["oneOf"] ?? keywords["anyOf"])?.arrayValue, let first = options.first { return value(for: first, depth: depth + 1) }
        let type = keywords["type"]?.stringValue ?? keywords["type"]?.arrayValue?.first?.stringValue ?? (keywords["properties"] != nil ? "object" : "string")
        switch type {
        case "object":
            var members: [String: JSONValue] = [:]
            let properties = keywords["properties"]?.objectValue ?? [:]
            for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                members[name] = value(for: properties[name] ?? [:], depth: depth + 1)
            }
            return .object(members)
        case "array":
            let count = Int(keywords["minItems"]?.int64Value ?? 0)
            return .array(Array(repeating: value(for: keywords["items"] ?? [:], depth: depth + 1), count: min(count, 4)))
        case "integer":
            let low = keywords["minimum"]?.doubleValue ?? keywords["exclusiveMinimum"].flatMap(\.doubleValue).map { $0 + 1 } ?? 1
            return .number(JSONNumber(Int64(low.rounded(.up))))
        case "number":
            let low = keywords["minimum"]?.doubleValue ?? keywords["exclusiveMinimum"].flatMap(\.doubleValue).map { $0 + 0.5 } ?? 1
            return JSONNumber(low).map(JSONValue.number) ?? 1
        case "boolean":
            return false
        case "null":
            return .null
        default:
            let length = max(Int(keywords["minLength"]?.int64Value ?? 0), 4)
            if keywords["contentEncoding"]?.stringValue == "base64" { return "c2FtcGxl" }
            return .string(String("sample-text".prefix(length).padding(toLength: length, withPad: "x", startingAt: 0)))
        }
    }
}
