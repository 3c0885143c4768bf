import Foundation

/// A bounded JSON Schema (2020-12) validator, shared by tool arguments (the registry) and tool
/// results (MCP `outputSchema`).
///
/// Covers the keywords tools use in practice: `type`, `enum`, `const`, `properties`, `required`,
/// `additionalProperties`, `items`, `prefixItems`, `min/maxItems`, `min/maxLength`, numeric
/// bounds, `allOf`/`anyOf`/`oneOf`/`not`, and local `$ref` into `$defs`/`definitions`. Remote
/// `$ref`s are never fetched: they are reported as unsupported. Unknown keywords are ignored, so
/// a richer schema still validates what it can. Depth is capped, so a recursive schema cannot
/// run away. Problems come out in a stable order (object members by name).
public struct JSONSchemaValidator: Sendable {
    public let root: JSONValue
    static let maxDepth = 64

    public init(schema: JSONValue) { self.root = schema }

    /// Every violation found, as "PATH: problem"; empty when the value conforms. `path` names the
    /// value in messages (`$` for a result, `arguments` for a call's arguments).
    public func validate(_ value: JSONValue, at path: String = "$") -> [String] {
        var problems: [String] = []
        check(value, against: root, path: path, depth: 0, into: &problems)
        return problems
    }

    private func check(_ value: JSONValue, against schema: JSONValue, path: String, depth: Int, into problems: inout [String]) {
        guard depth < Self.maxDepth else {
            problems.append("\(path): schema nesting exceeds \(Self.maxDepth) levels")
            return
        }
        if case .bool(let accepts) = schema {
            if !accepts { problems.append("\(path): no value is allowed here") }
            return
        }
        guard let keywords = schema.objectValue else { return }
        if let reference = keywords["$ref"]?.stringValue {
            guard let target = resolve(reference) else {
                problems.append("\(path): cannot resolve $ref \(reference) (only local references are followed)")
                return
            }
            check(value, against: target, path: path, depth: depth + 1, into: &problems)
        }
        if let type = keywords["type"], !Self.matches(value, type: type) {
            let names = type.arrayValue?.compactMap(\.stringValue).joined(separator: " or ") ?? type.stringValue ?? type.encoded()
            problems.append("\(path): expected \(names), found \(value.typeName)")
            return
        }
        if let options = keywords["enum"]?.arrayValue, !options.contains(where: { Self.equal($0, value) }) {
            problems.append("\(path): \(Self.preview(value)) is not one of \(options.map(Self.preview).joined(separator: ", "))")
        }
        if let constant = keywords["const"], !Self.equal(constant, value) {
            problems.append("\(path): expected \(Self.preview(constant))")
        }
        checkCombinators(value, keywords, path: path, depth: depth, into: &problems)
        switch value {
        case .object(let members): checkObject(members, keywords, path: path, depth: depth, into: &problems)
        case .array(let items): checkArray(items, keywords, path: path, depth: depth, into: &problems)
        case .string(let text): checkString(text, keywords, path: path, into: &problems)
        case .number(let number): checkNumber(number.doubleValue, keywords, path: path, into: &problems)
        case .null, .bool: break
        }
    }

    private func checkCombinators(_ value: JSONValue, _ keywords: [String: JSONValue], path: String, depth: Int, into problems: inout [String]) {
        func passes(_ schema: JSONValue) -> Bool {
            var scratch: [String] = []
            check(value, against: schema, path: path, depth: depth + 1, into: &scratch)
            return scratch.isEmpty
        }
        for schema in keywords["allOf"]?.arrayValue ?? [] {
            check(value, against: schema, path: path, depth: depth + 1, into: &problems)
        }
        if let options = keywords["anyOf"]?.arrayValue, !options.contains(where: passes) {
            problems.append("\(path): matches none of the anyOf alternatives")
        }
        if let options = keywords["oneOf"]?.arrayValue {
            let count = options.filter(passes).count
            if count != 1 { problems.append("\(path): matches \(count) of the oneOf alternatives, not exactly one") }
        }
        if let negated = keywords["not"], passes(negated) {
            problems.append("\(path): matches a schema it must not match")
        }
    }

    private func checkObject(_ members: [String: JSONValue], _ keywords: [String: JSONValue], path: String, depth: Int, into problems: inout [String]) {
        let properties = keywords["properties"]?.objectValue ?? [:]
        for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
            problems.append("\(path).\(name): is required")
        }
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            if let schema = properties[name] {
                check(member, against: schema, path: "\(path).\(name)", depth: depth + 1, into: &problems)
            } else if keywords["additionalProperties"] == .bool(false) {
                problems.append("\(path).\(name): is not a known property (expected one of \(properties.keys.sorted().joined(separator: ", ")))")
            } else if let additional = keywords["additionalProperties"] {
                check(member, against: additional, path: "\(path).\(name)", depth: depth + 1, into: &problems)
            }
        }
    }

    private func checkArray(_ items: [JSONValue], _ keywords: [String: JSONValue], path: String, depth: Int, into problems: inout [String]) {
        let prefix = keywords["prefixItems"]?.arrayValue ?? []
        for (index, item) in items.enumerated() {
            if index < prefix.count {
                check(item, against: prefix[index], path: "\(path)[\(index)]", depth: depth + 1, into: &problems)
            } else if let schema = keywords["items"] {
                check(item, against: schema, path: "\(path)[\(index)]", depth: depth + 1, into: &problems)
            }
        }
        if let minimum = keywords["minItems"]?.int64Value, items.count < minimum { problems.append("\(path): fewer than \(minimum) items") }
        if let maximum = keywords["maxItems"]?.int64Value, items.count > maximum { problems.append("\(path): more than \(maximum) items") }
    }

    private func checkString(_ text: String, _ keywords: [String: JSONValue], path: String, into problems: inout [String]) {
        let length = text.unicodeScalars.count
        if let minimum = keywords["minLength"]?.int64Value, length < minimum { problems.append("\(path): shorter than \(minimum) characters") }
        if let maximum = keywords["maxLength"]?.int64Value, length > maximum { problems.append("\(path): longer than \(maximum) characters") }
    }

    private func checkNumber(_ number: Double, _ keywords: [String: JSONValue], path: String, into problems: inout [String]) {
        if let bound = keywords["minimum"]?.doubleValue, number < bound { problems.append("\(path): \(number) is less than the minimum \(bound)") }
        if let bound = keywords["maximum"]?.doubleValue, number > bound { problems.append("\(path): \(number) is greater than the maximum \(bound)") }
        if let bound = keywords["exclusiveMinimum"]?.doubleValue, number <= bound { problems.append("\(path): \(number) must be greater than \(bound)") }
        if let bound = keywords["exclusiveMaximum"]?.doubleValue, number >= bound { problems.append("\(path): \(number) must be less than \(bound)") }
    }

    /// Follows a local JSON pointer (`#`, `#/$defs/Name`, with `~0`/`~1` escapes).
    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var node = root
        for token in reference.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let members = node.objectValue, let next = members[key] {
                node = next
            } else if let items = node.arrayValue, let index = Int(key), items.indices.contains(index) {
                node = items[index]
            } else {
                return nil
            }
        }
        return node
    }

    private static func matches(_ value: JSONValue, type: JSONValue) -> Bool {
        if let names = type.arrayValue { return names.contains { matches(value, type: $0) } }
        switch (type.stringValue, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object), ("number", .number):
            return true
        case ("integer", .number(let number)):
            // 2020-12: 1.0 is an integer too.
            return number.isInteger || number.doubleValue.rounded() == number.doubleValue
        default:
            return false
        }
    }

    /// JSON equality: numbers by value (1 equals 1.0), everything else structurally.
    private static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.number(let left), .number(let right)): return left.literal == right.literal || left.doubleValue == right.doubleValue
        case (.array(let left), .array(let right)): return left.count == right.count && zip(left, right).allSatisfy(equal)
        case (.object(let left), .object(let right)):
            return left.count == right.count && left.allSatisfy { key, value in right[key].map { equal(value, $0) } ?? false }
        default: return lhs == rhs
        }
    }

    private static func preview(_ value: JSONValue) -> String {
        let text = value.encoded()
        return text.count > 80 ? String(text.prefix(80)) + "…" : text
    }
}
