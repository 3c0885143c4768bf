import MCP
import MementoCore

/// A tool call the host could not complete. A tool that ran and reported a failure is not one of
/// these: that is a `ToolResult` whose `isError` is true.
public enum ToolCallError: Error, Sendable, CustomStringConvertible {
    case badName(String)
    case unknownSkill(String, known: [String])
    case unknownTool(String, available: [String])
    case notCallable(skill: String, kind: SkillKind)
    case plugin(PluginError)
    case ffi(FFIError)
    case manifest(ManifestError)
    case runner(RunnerError)
    /// A script skill's or an external server's MCP process failed (not the tool: the server).
    case mcp(MCPError)

    public var description: String {
        switch self {
        case .badName(let name):
            return "'\(name)' is not a tool name; tools are named SKILL.TOOL, e.g. csv-stats.summarize (see `memento tools`)"
        case .unknownSkill(let name, let known):
            return "no installed skill is named '\(name)'" + (known.isEmpty ? "; install one with `memento install`" : "; installed: \(known.joined(separator: ", "))")
        case .unknownTool(let name, let available):
            return "no tool '\(name)'" + (available.isEmpty ? "; this skill declares no tools" : "; its tools are: \(available.joined(separator: ", "))")
        case .notCallable(let skill, let kind):
            return kind == .instructions
                ? "'\(skill)' is an instruction skill: the model reads its SKILL.md, it has no tools to call"
                : "'\(skill)' is a \(kind.rawValue) skill, which this version of the plugin host cannot call yet"
        case .plugin(let error): return error.description
        case .ffi(let error): return error.description
        case .manifest(let error): return "\(error); fix skill.json and reinstall the skill"
        case .runner(let error): return error.description
        case .mcp(let error): return error.description
        }
    }
}

/// The JSON a tool returned. By the ABI's convention a reply of the form `{"error":{…}}` is a
/// tool-level failure (bad input, the work failed), reported to the caller, not thrown.
///
/// A native skill's reply stays the text the plugin wrote, checked but not parsed: most replies
/// are passed on as they are (a runner's reply line, an MCP client, a model). `output` parses it.
public struct ToolResult: Sendable, Equatable {
    private enum Reply: Sendable {
        case value(JSONValue)
        case text(JSONText)
    }

    private let reply: Reply
    public let isError: Bool

    public init(output: JSONValue) {
        reply = .value(output)
        if case .object(let members) = output, members.count == 1, members["error"]?.objectValue != nil {
            isError = true
        } else {
            isError = false
        }
    }

    /// A reply written as JSON text. It must be one JSON value (else the error says where it
    /// breaks); whether it is an error reply is read from its top-level members as they are
    /// checked, the last of a repeated name counting, as in a parse.
    public init(checking bytes: [UInt8]) throws(JSONParseError) {
        var errorIsObject = false
        var otherMember = false
        let text = try JSONText(checking: bytes) { name, value in
            if name.spells("error") {
                errorIsObject = bytes[value.lowerBound] == UInt8(ascii: "{")
            } else {
                otherMember = true
            }
        }
        reply = .text(text)
        isError = errorIsObject && !otherMember
    }

    public static func failure(code: String, message: String) -> ToolResult {
        ToolResult(output: ["error": ["code": .string(code), "message": .string(message)]])
    }

    /// The reply's value; a reply kept as text is parsed on each access.
    public var output: JSONValue {
        switch reply {
        case .value(let value): return value
        case .text(let text):
            do {
                return try text.parsed()
            } catch {
                // The text passed the same grammar when it arrived; this is only said for completeness.
                return ToolResult.failure(code: "invalid_output", message: "\(error)").output
            }
        }
    }

    /// The reply as JSON on one line, for line-framed protocols: the plugin's own text unless
    /// its whitespace breaks lines, else the value encoded compactly.
    public var encoded: [UInt8] {
        if case .text(let text) = reply, !text.bytes.contains(where: { $0 == 0x0A || $0 == 0x0D }) { return text.bytes }
        var bytes: [UInt8] = []
        output.write(into: &bytes)
        return bytes
    }

    public var errorMessage: String? {
        guard isError else { return nil }
        let output = output
        return output["error"]?["message"]?.stringValue ?? output.encoded()
    }

    /// Equal replies have equal values, whichever form they came in (`isError` follows the value).
    public static func == (lhs: ToolResult, rhs: ToolResult) -> Bool { lhs.output == rhs.output }
}
