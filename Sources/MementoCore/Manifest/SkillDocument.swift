import Foundation
import Yams

/// A problem found in a skill's manifest: where it is and what to do about it.
public struct ManifestDiagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable { case error, warning }

    public let severity: Severity
    public let file: String
    /// The field the problem is about (`name`, `tools[0].input_schema`), or nil for the file as a whole.
    public let field: String?
    public let line: Int?
    public let message: String

    public init(_ severity: Severity, file: String, field: String? = nil, line: Int? = nil, _ message: String) {
        self.severity = severity
        self.file = file
        self.field = field
        self.line = line
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let field { location += " (\(field))" }
        return "\(location): \(severity.rawValue): \(message)"
    }
}

/// An Agent Skills `SKILL.md` (agentskills.io/specification): YAML frontmatter, then a Markdown body.
public struct SkillDocument: Hashable, Sendable {
    public static let fileName = "SKILL.md"
    public static let knownFields: Set<String> = ["name", "description", "license", "compatibility", "metadata", "allowed-tools"]

    public var name: String?
    public var description: String?
    public var license: String?
    public var compatibility: String?
    public var metadata: [String: String]
    /// Space-separated tool grants, e.g. `Bash(git:*) Read`; a claim that `verify` checks.
    public var allowedTools: String?
    /// Frontmatter keys the spec does not define (`version`, `metadata.openclaw`…), kept verbatim.
    public var extraFields: [String: JSONValue]
    public var body: String
    /// The 1-based line of the file where the body starts.
    public var bodyLine: Int
    /// Lines of fields, for diagnostics.
    public var fieldLines: [String: Int]

    /// A version declared in the frontmatter (`metadata.version`, or the ClawHub-style top-level
    /// `version`), which instruction-only skills use in place of `skill.json`.
    public var declaredVersion: String? {
        metadata["version"] ?? extraFields["version"]?.stringValue ?? extraFields["version"].map { $0.encoded() }
    }

    /// Loads what can be understood, never failing on a problem that leaves the skill usable, as the
    /// Agent Skills client guide asks. Returns nil only when there is no frontmatter or it cannot be
    /// parsed even after the usual repairs; the diagnostics say why.
    public static func load(text: String, file: String = SkillDocument.fileName, folderName: String? = nil)
        -> (document: SkillDocument?, diagnostics: [ManifestDiagnostic])
    {
        var diagnostics: [ManifestDiagnostic] = []
        let split: Split
        switch splitFrontmatter(text) {
        case .success(let found):
            split = found
        case .failure(.missing):
            diagnostics.append(.init(.error, file: file, line: 1, "no YAML frontmatter: the file must start with a line '---', then the fields, then '---'"))
            return (nil, diagnostics)
        case .failure(.unclosed):
            diagnostics.append(.init(.error, file: file, line: 1, "the YAML frontmatter has no closing '---' line"))
            return (nil, diagnostics)
        }
        let root: Node
        do {
            root = try parseYAML(split.yaml)
        } catch let first {
            // The most common authoring error is an unquoted colon in a value; retry with quotes.
            if let repaired = quoteUnquotedColons(split.yaml), let node = try? parseYAML(repaired) {
                diagnostics.append(.init(.warning, file: file, line: 2, "frontmatter only parses after quoting values that contain ': ' (\(first)); quote them"))
                root = node
            } else {
                diagnostics.append(.init(.error, file: file, line: 2, "frontmatter is not valid YAML: \(first)"))
                return (nil, diagnostics)
            }
        }
        guard case .mapping(let mapping) = root else {
            diagnostics.append(.init(.error, file: file, line: 2, "frontmatter must be a YAML mapping of fields"))
            return (nil, diagnostics)
        }

        var document = SkillDocument(
            name: nil, description: nil, license: nil, compatibility: nil, metadata: [:], allowedTools: nil,
            extraFields: [:], body: split.body, bodyLine: split.bodyLine, fieldLines: [:])
        // Shared by every kept field: YAML aliases let a few lines stand for billions of values.
        var budget = SkillDocument.maximumExtraValues
        func keep(_ node: Node, as field: String, line: Int?) {
            if let value = jsonValue(of: node, budget: &budget) {
                document.extraFields[field] = value
            } else {
                diagnostics.append(.init(.error, file: file, field: field, line: line,
                                         "'\(field)' holds more than \(SkillDocument.maximumExtraValues) values (YAML aliases expanding?); dropped"))
            }
        }
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else {
                diagnostics.append(.init(.warning, file: file, line: keyNode.mark?.line, "a frontmatter key is not a string; ignored"))
                continue
            }
            document.fieldLines[key] = keyNode.mark?.line
            let line = keyNode.mark?.line
            switch key {
            case "name", "description", "license", "compatibility", "allowed-tools":
                guard case .scalar(let scalar) = valueNode else {
                    diagnostics.append(.init(.error, file: file, field: key, line: line, "'\(key)' must be a string"))
                    continue
                }
                // `name:` or `name: ~` is YAML null: the field is absent, not the text "" or "~".
                if valueNode.null != nil { continue }
                switch key {
                case "name": document.name = scalar.string
                case "description": document.description = scalar.string
                case "license": document.license = scalar.string
                case "compatibility": document.compatibility = scalar.string
                default: document.allowedTools = scalar.string
                }
            case "metadata":
                guard case .mapping(let entries) = valueNode else {
                    diagnostics.append(.init(.error, file: file, field: key, line: line, "'metadata' must be a mapping of strings to strings"))
                    continue
                }
                for (entryKey, entryValue) in entries {
                    guard let name = entryKey.string else { continue }
                    if case .scalar(let scalar) = entryValue {
                        document.metadata[name] = scalar.string
                    } else {
                        diagnostics.append(.init(.warning, file: file, field: "metadata.\(name)", line: entryKey.mark?.line,
                                                 "metadata values must be strings; '\(name)' is kept as an extra field"))
                        keep(entryValue, as: "metadata.\(name)", line: entryKey.mark?.line)
                    }
                }
            default:
                keep(valueNode, as: key, line: line)
                diagnostics.append(.init(.warning, file: file, field: key, line: line, "'\(key)' is not an Agent Skills field; kept, but other clients may reject it"))
            }
        }
        diagnostics += document.check(file: file, folderName: folderName, strict: false)
        return (document, diagnostics)
    }

    /// Strict validation, as `verify` uses it: every deviation from the specification is an error.
    public static func validate(text: String, file: String = SkillDocument.fileName, folderName: String?) -> [ManifestDiagnostic] {
        let (document, diagnostics) = load(text: text, file: file, folderName: folderName)
        guard let document else { return diagnostics }
        let lenientChecks = Set(document.check(file: file, folderName: folderName, strict: false))
        var strict = diagnostics.filter { !lenientChecks.contains($0) }.map { diagnostic in
            ManifestDiagnostic(.error, file: diagnostic.file, field: diagnostic.field, line: diagnostic.line, diagnostic.message)
        }
        strict += document.check(file: file, folderName: folderName, strict: true)
        return strict
    }

    /// The spec's limits. Lenient mode downgrades what a client can live with to warnings. Lengths
    /// count Unicode code points, as the reference validator's `len()` does, not grapheme clusters.
    func check(file: String, folderName: String?, strict: Bool) -> [ManifestDiagnostic] {
        var found: [ManifestDiagnostic] = []
        let soft: ManifestDiagnostic.Severity = strict ? .error : .warning
        if let name {
            if let problem = SkillName.problem(with: name) {
                found.append(.init(soft, file: file, field: "name", line: fieldLines["name"], problem))
            }
            if let folderName, folderName != name {
                found.append(.init(soft, file: file, field: "name", line: fieldLines["name"],
                                   "name '\(name)' differs from its folder '\(folderName)'; rename one so they match"))
            }
        } else {
            found.append(.init(.error, file: file, field: "name", "the required field 'name' is missing"))
        }
        if let description {
            let trimmed = description.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty {
                found.append(.init(.error, file: file, field: "description", line: fieldLines["description"], "'description' is empty; say what the skill does and when to use it"))
            } else if description.unicodeScalars.count > 1024 {
                found.append(.init(soft, file: file, field: "description", line: fieldLines["description"], "'description' has \(description.unicodeScalars.count) characters; the limit is 1024"))
            }
            if strict && (description.contains("<") || description.contains(">")) {
                found.append(.init(.error, file: file, field: "description", line: fieldLines["description"], "'description' contains '<' or '>', which can inject markup into an agent's skill catalogue"))
            }
        } else {
            found.append(.init(.error, file: file, field: "description", "the required field 'description' is missing"))
        }
        if let compatibility {
            if compatibility.isEmpty || compatibility.unicodeScalars.count > 500 {
                found.append(.init(soft, file: file, field: "compatibility", line: fieldLines["compatibility"], "'compatibility' must have 1 to 500 characters (it has \(compatibility.unicodeScalars.count))"))
            }
        }
        return found
    }

    // MARK: Parsing helpers

    struct Split {
        let yaml: String
        let body: String
        let bodyLine: Int
    }

    enum SplitFailure: Error { case missing, unclosed }

    /// Splits on the first two `---` lines. Accepts CRLF and a leading byte-order mark.
    static func splitFrontmatter(_ text: String) -> Result<Split, SplitFailure> {
        var source = Substring(text)
        if source.hasPrefix("\u{FEFF}") { source = source.dropFirst() }
        // Swift treats "\r\n" as one Character, distinct from "\n", so both must separate lines.
        let lines = source.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        // A fence starts in column 0: an indented `---` is text inside a block scalar.
        func isFence(_ line: Substring) -> Bool {
            line.hasPrefix("---") && line.dropFirst(3).allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
        }
        guard let first = lines.first, isFence(first) else { return .failure(.missing) }
        guard let closing = lines.indices.dropFirst().first(where: { isFence(lines[$0]) }) else { return .failure(.unclosed) }
        let yaml = lines[1..<closing].joined(separator: "\n")
        let body = lines[(closing + 1)...].joined(separator: "\n")
        return .success(Split(yaml: yaml, body: body, bodyLine: closing + 2))
    }

    static func parseYAML(_ yaml: String) throws -> Node {
        // Frontmatter line numbers are file line numbers minus one; keep file numbering by padding.
        guard let node = try Yams.compose(yaml: "\n" + yaml) else { return .mapping(.init([])) }
        return node
    }

    static func quoteUnquotedColons(_ yaml: String) -> String? {
        var changed = false
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard !line.hasPrefix(" "), !line.hasPrefix("\t"), let colon = line.firstIndex(of: ":") else { return String(line) }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            // Only a plain scalar can carry the mistake; a value opening with an indicator is a
            // quoted string, a flow collection, a block scalar, an anchor, an alias or a tag.
            guard value.contains(": "), let opening = value.first, !"\"'{[|>&*!%@`".contains(opening) else { return String(line) }
            changed = true
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\(line[..<colon]): \"\(escaped)\""
        }
        return changed ? lines.joined(separator: "\n") : nil
    }

    /// The most values kept from frontmatter fields outside the spec, all fields together.
    static let maximumExtraValues = 10_000

    /// Converts a YAML node, spending one unit of `budget` per value; nil once the budget runs out.
    static func jsonValue(of node: Node, budget: inout Int) -> JSONValue? {
        guard budget > 0 else { return nil }
        budget -= 1
        switch node {
        case .scalar(let scalar):
            if node.null != nil { return .null }
            if let flag = node.bool { return .bool(flag) }
            // Keep the number as written (`1.10` stays `1.10`) when YAML's form is also JSON's.
            if node.int != nil || node.float != nil, let number = JSONNumber(validating: scalar.string) { return .number(number) }
            if let double = node.float, let number = JSONNumber(double) { return .number(number) }
            return .string(scalar.string)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let converted = jsonValue(of: value, budget: &budget) else { return nil }
                members[key.string ?? "\(key)"] = converted
            }
            return .object(members)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence {
                guard let converted = jsonValue(of: item, budget: &budget) else { return nil }
                items.append(converted)
            }
            return .array(items)
        case .alias:
            return .null
        }
    }
}

/// The Agent Skills name rule, shared by SKILL.md, skill.json and the store's folder names.
public enum SkillName {
    public static func problem(with name: String) -> String? {
        if name.isEmpty || name.count > 64 {
            return "name '\(name)' must have 1 to 64 characters"
        }
        if !name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) {
            return "name '\(name)' may only contain lowercase letters a-z, digits and '-'"
        }
        if name.hasPrefix("-") || name.hasSuffix("-") {
            return "name '\(name)' must not start or end with '-'"
        }
        if name.contains("--") {
            return "name '\(name)' must not contain '--'"
        }
        return nil
    }

    public static func isValid(_ name: String) -> Bool { problem(with: name) == nil }
}
