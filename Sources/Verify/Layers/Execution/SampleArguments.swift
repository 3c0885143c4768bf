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
            let value = bounded(keywords, preferred: 1, step: 1).rounded(.up)
            return .number(JSONNumber(Int64(max(min(value, 9e15), -9e15))))
        case "number":
            return JSONNumber(bounded(keywords, preferred: 1, step: 0.5)).map(JSONValue.number) ?? 1
        case "boolean":
            return false
        case "null":
            return .null
        default:
            let longest = Int(keywords["maxLength"]?.int64Value ?? 64)
            let length = min(max(Int(keywords["minLength"]?.int64Value ?? 0), min(4, longest)), longest)
            if keywords["contentEncoding"]?.stringValue == "base64" { return "c2FtcGxl" }
            return .string(String("sample-text".prefix(length).padding(toLength: length, withPad: "x", startingAt: 0)))
        }
    }

    /// `preferred` moved inside the bounds: up to the lower one, then down to the upper one
    /// (`step` inside an exclusive bound).
    private static func bounded(_ keywords: [String: JSONValue], preferred: Double, step: Double) -> Double {
        var value = preferred
        if let low = keywords["minimum"]?.doubleValue { value = max(value, low) }
        if let low = keywords["exclusiveMinimum"]?.doubleValue { value = max(value, low + step) }
        if let high = keywords["maximum"]?.doubleValue { value = min(value, high) }
        if let high = keywords["exclusiveMaximum"]?.doubleValue { value = min(value, high - step) }
        return value
    }
}
