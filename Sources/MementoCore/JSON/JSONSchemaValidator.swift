import Foundation
import Synchronization

/// A bounded JSON Schema (2020-12) validator, shared by tool arguments (the registry) and tool
/// results (MCP `outputSchema`).
///
/// Covers the keywords tools use in practice: `type`, `enum`, `const`, `properties`, `required`,
/// `additionalProperties`, `items`, `prefixItems`, `min/maxItems`, `min/maxLength`, numeric
/// bounds, `allOf`/`anyOf`/`oneOf`/`not`, and local `$ref` into `$defs`/`definitions`. Remote
/// `$ref`s are never fetched: they are reported as unsupported. Unknown keywords are ignored, so
/// a richer schema still validates what it can. Depth is capped, so a recursive schema cannot
/// run away. Problems come out in a stable order (object members by name).
///
/// The schema is compiled once, at `init`, into nodes that hold each keyword decoded, so a
/// validation looks nothing up by name. A value that conforms is checked without building a
/// single message; only a failing one is walked again to say why.
public struct JSONSchemaValidator: Sendable, Equatable {
    public let root: JSONValue
    private let compiled: SchemaNode
    /// Every local `$ref` target reachable from the root, compiled once each.
    private let references: [String: SchemaNode]
    static let maxDepth = 64

    /// Two validators are the same when they were compiled from the same schema.
    public static func == (lhs: JSONSchemaValidator, rhs: JSONSchemaValidator) -> Bool { lhs.root == rhs.root }

    public init(schema: JSONValue) {
        root = schema
        var compiler = SchemaCompiler(root: schema)
        compiled = compiler.compile(schema)
        references = compiler.finish()
    }

    /// Every violation found, as "PATH: problem"; empty when the value conforms. `path` names the
    /// value in messages (`$` for a result, `arguments` for a call's arguments).
    public func validate(_ value: JSONValue, at path: String = "$") -> [String] {
        var silent = Report(root: path, collecting: false)
        if check(value, against: compiled, depth: 0, &silent) { return [] }
        var report = Report(root: path, collecting: true)
        _ = check(value, against: compiled, depth: 0, &report)
        return report.problems
    }

    /// Where a check is and what it found. Silent reports stop at the first problem and never
    /// render a path.
    private struct Report {
        let root: String
        let collecting: Bool
        var problems: [String] = []
        var components: [PathComponent] = []

        enum PathComponent {
            case member(String)
            case index(Int)
        }

        var path: String {
            var text = root
            for component in components {
                switch component {
                case .member(let name): text += "." + name
                case .index(let index): text += "[\(index)]"
                }
            }
            return text
        }

        /// Path steps matter only to messages: a silent report keeps none.
        mutating func enter(_ component: PathComponent) {
            if collecting { components.append(component) }
        }

        mutating func leave() {
            if collecting { components.removeLast() }
        }

        mutating func add(_ message: @autoclosure () -> String) {
            if collecting { problems.append("\(path): \(message())") }
        }
    }

    /// False when the value does not conform; a collecting report holds why.
    private func check(_ value: JSONValue, against node: SchemaNode, depth: Int, _ report: inout Report) -> Bool {
        let before = report.problems.count
        var failed = false
        func fail(_ message: @autoclosure () -> String) {
            failed = true
            if report.collecting { report.add(message()) }
        }
        guard depth < Self.maxDepth else {
            fail("schema nesting exceeds \(Self.maxDepth) levels")
            return false
        }
        // Most nodes of a tool's schema only name a type: a value of that type needs no more.
        if node.isPlainType, let types = node.types, types.admits(value) { return true }
        switch node.kind {
        case .acceptsAll: return true
        case .rejectsAll:
            fail("no value is allowed here")
            return false
        case .ignored: return true
        case .keywords: break
        }
        if let reference = node.reference {
            guard let target = references[reference] else {
                fail("cannot resolve $ref \(reference) (only local references are followed)")
                return false
            }
            if !check(value, against: target, depth: depth + 1, &report) {
                failed = true
                if !report.collecting { return false }
            }
        }
        if let types = node.types, !types.admits(value) {
            fail("expected \(node.typeDescription), found \(value.typeName)")
            return false
        }
        if let options = node.enumValues, !options.contains(where: { Self.equal($0, value) }) {
            fail("\(Self.preview(value)) is not one of \(options.map(Self.preview).joined(separator: ", "))")
            if !report.collecting { return false }
        }
        if let constant = node.constant, !Self.equal(constant, value) {
            fail("expected \(Self.preview(constant))")
            if !report.collecting { return false }
        }
        if node.hasCombinators, !checkCombinators(value, node, depth: depth, &report) {
            failed = true
            if !report.collecting { return false }
        }
        let conforms: Bool
        switch value {
        case .object(let members): conforms = checkObject(members, node, depth: depth, &report)
        case .array(let items): conforms = checkArray(items, node, depth: depth, &report)
        case .string(let text): conforms = checkString(text, node, &report)
        case .number(let number): conforms = checkNumber(number, node, &report)
        case .null, .bool: conforms = true
        }
        return !failed && conforms && report.problems.count == before
    }

    private func passes(_ value: JSONValue, _ node: SchemaNode, depth: Int, root: String) -> Bool {
        var scratch = Report(root: root, collecting: false)
        return check(value, against: node, depth: depth + 1, &scratch)
    }

    private func checkCombinators(_ value: JSONValue, _ node: SchemaNode, depth: Int, _ report: inout Report) -> Bool {
        var conforms = true
        for schema in node.allOf {
            if !check(value, against: schema, depth: depth + 1, &report) {
                conforms = false
                if !report.collecting { return false }
            }
        }
        if let options = node.anyOf, !options.contains(where: { passes(value, $0, depth: depth, root: report.root) }) {
            report.add("matches none of the anyOf alternatives")
            conforms = false
        }
        if let options = node.oneOf {
            let count = options.filter { passes(value, $0, depth: depth, root: report.root) }.count
            if count != 1 {
                report.add("matches \(count) of the oneOf alternatives, not exactly one")
                conforms = false
            }
        }
        if let negated = node.not, passes(value, negated, depth: depth, root: report.root) {
            report.add("matches a schema it must not match")
            conforms = false
        }
        return conforms
    }

    private func checkObject(_ members: [String: JSONValue], _ node: SchemaNode, depth: Int, _ report: inout Report) -> Bool {
        var conforms = true
        // A report names each missing member first; the quiet check counts the required members
        // it meets below instead of looking each one up.
        if report.collecting {
            for name in node.required where members[name] == nil {
                conforms = false
                report.components.append(.member(name))
                report.add("is required")
                report.components.removeLast()
            }
            // Sorted only when messages are wanted: their order is part of the output.
            return checkMembers(members.sorted { $0.key < $1.key }, node, depth: depth, &report) && conforms
        }
        return checkMembers(members, node, depth: depth, &report)
    }

    private func checkMembers(_ members: some Sequence<(key: String, value: JSONValue)>, _ node: SchemaNode, depth: Int, _ report: inout Report) -> Bool {
        var conforms = true
        var requiredSeen = 0
        for (name, member) in members {
            let property = node.property(named: name)
            if property?.isRequired == true { requiredSeen += 1 }
            let schema: SchemaNode?
            if let declared = property?.schema {
                schema = declared
            } else if node.forbidsAdditional {
                conforms = false
                guard report.collecting else { return false }
                report.components.append(.member(name))
                report.add("is not a known property (expected one of \(node.propertyNames.joined(separator: ", ")))")
                report.components.removeLast()
                continue
            } else {
                schema = node.additional
            }
            guard let schema else { continue }
            report.enter(.member(name))
            let memberConforms = check(member, against: schema, depth: depth + 1, &report)
            report.leave()
            if !memberConforms {
                conforms = false
                if !report.collecting { return false }
            }
        }
        return conforms && requiredSeen == node.required.count
    }

    private func checkArray(_ items: [JSONValue], _ node: SchemaNode, depth: Int, _ report: inout Report) -> Bool {
        var conforms = true
        // Items that need only their type checked (`{"type": "integer"}`) are checked in one loop.
        if node.prefixItems.isEmpty, let schema = node.items, schema.isPlainType, let types = schema.types,
           items.allSatisfy({ types.admits($0) }) {
            return checkItemCount(items.count, node, &report)
        }
        for (index, item) in items.enumerated() {
            guard let schema = index < node.prefixItems.count ? node.prefixItems[index] : node.items else { continue }
            report.enter(.index(index))
            let itemConforms = check(item, against: schema, depth: depth + 1, &report)
            report.leave()
            if !itemConforms {
                conforms = false
                if !report.collecting { return false }
            }
        }
        return checkItemCount(items.count, node, &report) && conforms
    }

    private func checkItemCount(_ count: Int, _ node: SchemaNode, _ report: inout Report) -> Bool {
        var conforms = true
        if let minimum = node.minItems, count < minimum { report.add("fewer than \(minimum) items"); conforms = false }
        if let maximum = node.maxItems, count > maximum { report.add("more than \(maximum) items"); conforms = false }
        return conforms
    }

    private func checkString(_ text: String, _ node: SchemaNode, _ report: inout Report) -> Bool {
        guard node.minLength != nil || node.maxLength != nil else { return true }
        let length = text.unicodeScalars.count
        var conforms = true
        if let minimum = node.minLength, length < minimum { report.add("shorter than \(minimum) characters"); conforms = false }
        if let maximum = node.maxLength, length > maximum { report.add("longer than \(maximum) characters"); conforms = false }
        return conforms
    }

    private func checkNumber(_ value: JSONNumber, _ node: SchemaNode, _ report: inout Report) -> Bool {
        guard node.hasNumericBounds else { return true }
        let number = value.doubleValue
        var conforms = true
        if let bound = node.minimum, number < bound { report.add("\(number) is less than the minimum \(bound)"); conforms = false }
        if let bound = node.maximum, number > bound { report.add("\(number) is greater than the maximum \(bound)"); conforms = false }
        if let bound = node.exclusiveMinimum, number <= bound { report.add("\(number) must be greater than \(bound)"); conforms = false }
        if let bound = node.exclusiveMaximum, number >= bound { report.add("\(number) must be less than \(bound)"); conforms = false }
        return conforms
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

/// A schema compiled on its first use: listing a server's tools compiles nothing, and a tool
/// that is called compiles its schema once, whichever thread gets there first.
public final class LazySchemaValidator: Sendable, Equatable {
    public let schema: JSONValue
    private let compiled = Mutex<JSONSchemaValidator?>(nil)

    public init(schema: JSONValue) { self.schema = schema }

    /// As `JSONSchemaValidator.validate`.
    public func validate(_ value: JSONValue, at path: String = "$") -> [String] {
        let validator = compiled.withLock { compiled in
            if let compiled { return compiled }
            let made = JSONSchemaValidator(schema: schema)
            compiled = made
            return made
        }
        return validator.validate(value, at: path)
    }

    public static func == (lhs: LazySchemaValidator, rhs: LazySchemaValidator) -> Bool { lhs.schema == rhs.schema }
}

/// One schema with its keywords decoded.
final class SchemaNode: Sendable {
    enum Kind { case acceptsAll, rejectsAll, ignored, keywords }
    /// The types a `type` keyword allows, as bits, so that a value is checked with one test.
    /// An unknown name adds no bit: it allows nothing.
    struct TypeSet: OptionSet, Sendable {
        let rawValue: UInt8
        static let null = TypeSet(rawValue: 1 << 0)
        static let boolean = TypeSet(rawValue: 1 << 1)
        static let string = TypeSet(rawValue: 1 << 2)
        static let array = TypeSet(rawValue: 1 << 3)
        static let object = TypeSet(rawValue: 1 << 4)
        static let number = TypeSet(rawValue: 1 << 5)
        static let integer = TypeSet(rawValue: 1 << 6)

        init(rawValue: UInt8) { self.rawValue = rawValue }

        init(name: String) {
            switch name {
            case "null": self = .null
            case "boolean": self = .boolean
            case "string": self = .string
            case "array": self = .array
            case "object": self = .object
            case "number": self = .number
            case "integer": self = .integer
            default: self = []
            }
        }

        func admits(_ value: JSONValue) -> Bool {
            switch value {
            case .null: return contains(.null)
            case .bool: return contains(.boolean)
            case .string: return contains(.string)
            case .array: return contains(.array)
            case .object: return contains(.object)
            case .number(let number):
                // 2020-12: 1.0 is an integer too.
                return contains(.number) || (contains(.integer) && (number.isInteger || number.doubleValue.rounded() == number.doubleValue))
            }
        }
    }

    let kind: Kind
    let reference: String?
    let types: TypeSet?
    let typeDescription: String
    let enumValues: [JSONValue]?
    let constant: JSONValue?
    let allOf: [SchemaNode]
    let anyOf: [SchemaNode]?
    let oneOf: [SchemaNode]?
    let not: SchemaNode?
    /// Every member name the schema speaks of (a declared property, a required name, or both),
    /// sorted by name.
    let propertyTable: [Property]
    /// Positions in `propertyTable` by name, for schemas too large to search in order.
    let propertyIndex: [String: Int]
    /// Each name `required` lists, once.
    let required: [String]
    /// True when the node constrains nothing but the type: a value of that type conforms.
    let isPlainType: Bool
    let forbidsAdditional: Bool
    let additional: SchemaNode?
    let prefixItems: [SchemaNode]
    let items: SchemaNode?
    let minItems: Int64?, maxItems: Int64?, minLength: Int64?, maxLength: Int64?
    let minimum: Double?, maximum: Double?, exclusiveMinimum: Double?, exclusiveMaximum: Double?
    let hasNumericBounds: Bool
    let hasCombinators: Bool

    struct Property: Sendable {
        let name: String
        /// Nil for a name that is required but not declared: its value is an additional property's.
        let schema: SchemaNode?
        let isRequired: Bool
    }

    /// Tools declare a handful of properties: comparing short names in order costs less than
    /// hashing one, so only larger tables are looked up by hash.
    static let propertySearchLimit = 8

    /// The declared properties' names, sorted: what a message offers instead of an unknown one.
    var propertyNames: [String] { propertyTable.filter { $0.schema != nil }.map(\.name) }

    func property(named name: String) -> Property? {
        if propertyTable.count <= SchemaNode.propertySearchLimit {
            for property in propertyTable where property.name == name { return property }
            return nil
        }
        return propertyIndex[name].map { propertyTable[$0] }
    }

    init(kind: Kind) {
        self.kind = kind
        reference = nil; types = nil; typeDescription = ""; enumValues = nil; constant = nil
        allOf = []; anyOf = nil; oneOf = nil; not = nil
        propertyTable = []; propertyIndex = [:]; required = []
        forbidsAdditional = false; additional = nil; prefixItems = []; items = nil
        minItems = nil; maxItems = nil; minLength = nil; maxLength = nil
        minimum = nil; maximum = nil; exclusiveMinimum = nil; exclusiveMaximum = nil
        hasNumericBounds = false; hasCombinators = false; isPlainType = false
    }

    init(_ keywords: [String: JSONValue], compile: (JSONValue) -> SchemaNode) {
        kind = .keywords
        reference = keywords["$ref"]?.stringValue
        if let type = keywords["type"] {
            let names = type.arrayValue?.compactMap(\.stringValue) ?? type.stringValue.map { [$0] } ?? []
            types = names.reduce(into: TypeSet()) { $0.formUnion(TypeSet(name: $1)) }
            typeDescription = type.arrayValue?.compactMap(\.stringValue).joined(separator: " or ") ?? type.stringValue ?? type.encoded()
        } else {
            types = nil
            typeDescription = ""
        }
        enumValues = keywords["enum"]?.arrayValue
        constant = keywords["const"]
        allOf = (keywords["allOf"]?.arrayValue ?? []).map(compile)
        anyOf = keywords["anyOf"]?.arrayValue?.map(compile)
        oneOf = keywords["oneOf"]?.arrayValue?.map(compile)
        not = keywords["not"].map(compile)
        let members = keywords["properties"]?.objectValue ?? [:]
        let declared = members.mapValues(compile)
        // A name listed twice is required once, and reported once.
        var requiredNames = Set<String>()
        required = (keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? []).filter { requiredNames.insert($0).inserted }
        propertyTable = requiredNames.union(declared.keys).sorted().map { name in
            Property(name: name, schema: declared[name], isRequired: requiredNames.contains(name))
        }
        propertyIndex = propertyTable.count > SchemaNode.propertySearchLimit
            ? Dictionary(uniqueKeysWithValues: propertyTable.enumerated().map { ($1.name, $0) }) : [:]
        forbidsAdditional = keywords["additionalProperties"] == .bool(false)
        additional = forbidsAdditional ? nil : keywords["additionalProperties"].map(compile)
        prefixItems = (keywords["prefixItems"]?.arrayValue ?? []).map(compile)
        items = keywords["items"].map(compile)
        minItems = keywords["minItems"]?.int64Value
        maxItems = keywords["maxItems"]?.int64Value
        minLength = keywords["minLength"]?.int64Value
        maxLength = keywords["maxLength"]?.int64Value
        minimum = keywords["minimum"]?.doubleValue
        maximum = keywords["maximum"]?.doubleValue
        exclusiveMinimum = keywords["exclusiveMinimum"]?.doubleValue
        exclusiveMaximum = keywords["exclusiveMaximum"]?.doubleValue
        hasNumericBounds = minimum != nil || maximum != nil || exclusiveMinimum != nil || exclusiveMaximum != nil
        hasCombinators = !allOf.isEmpty || anyOf != nil || oneOf != nil || not != nil
        isPlainType = types != nil && reference == nil && enumValues == nil && constant == nil && !hasCombinators && !hasNumericBounds
            && propertyTable.isEmpty && !forbidsAdditional && additional == nil && prefixItems.isEmpty && items == nil
            && minItems == nil && maxItems == nil && minLength == nil && maxLength == nil
    }
}

/// Compiles a schema and, afterwards, every local `$ref` target it names (each once, so a
/// recursive schema compiles to a finite graph joined by names).
struct SchemaCompiler {
    let root: JSONValue
    private var pending: [String] = []
    private var seen: Set<String> = []

    init(root: JSONValue) { self.root = root }

    mutating func compile(_ schema: JSONValue) -> SchemaNode {
        switch schema {
        case .bool(true): return SchemaNode(kind: .acceptsAll)
        case .bool(false): return SchemaNode(kind: .rejectsAll)
        case .object(let keywords):
            if let reference = keywords["$ref"]?.stringValue, seen.insert(reference).inserted { pending.append(reference) }
            return SchemaNode(keywords) { compile($0) }
        default: return SchemaNode(kind: .ignored)
        }
    }

    /// The compiled targets of every reference met, following references inside them too.
    mutating func finish() -> [String: SchemaNode] {
        var targets: [String: SchemaNode] = [:]
        while let reference = pending.popLast() {
            if let target = resolve(reference) { targets[reference] = compile(target) }
        }
        return targets
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
}
