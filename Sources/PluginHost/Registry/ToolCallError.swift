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
public struct ToolResult: Sendable, Equatable {
    public let output: JSONValue

    public init(output: JSONValue) { self.output = output }

    public static func failure(code: String, message: String) -> ToolResult {
        ToolResult(output: ["error": ["code": .string(code), "message": .string(message)]])
    }

    public var isError: Bool {
        guard case .object(let members) = output, members.count == 1, members["error"]?.objectValue != nil else { return false }
        return true
    }

    public var errorMessage: String? {
        guard isError else { return nil }
        return output["error"]?["message"]?.stringValue ?? output.encoded()
    }
}
