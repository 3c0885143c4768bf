import Foundation
import MementoCore

/// A skill loaded into this process, whichever way it calls its code: a native plugin through
/// the C ABI, or typed FFI tools through libffi. The runner and the registry call both alike.
enum HostedSkill {
    case native(NativePlugin)
    case ffi(FFISkill)

    /// Loads the skill in `root` according to its skill.json.
    static func load(root: String, mode: LoadMode) throws -> HostedSkill {
        let manifest = try SkillManifest.load(from: URL(fileURLWithPath: root + "/" + SkillManifest.fileName))
        switch manifest.kind {
        case .ffi: return .ffi(try FFISkill(manifest: manifest))
        default: return .native(try NativeLoader.load(try NativeSkillFolder(root: root), mode: mode))
        }
    }

    /// The tool's JSON reply. Invalid FFI arguments come back as an error reply, like a
    /// native skill's, since they are the caller's mistake rather than the host's.
    func call(tool: String, arguments: JSONValue) throws -> JSONValue {
        switch self {
        case .native(let plugin):
            return try plugin.invoke(Array(ToolInvocation.envelope(tool: tool, arguments: arguments).encoded().utf8))
        case .ffi(let skill):
            do {
                return try skill.call(tool: tool, arguments: arguments)
            } catch .invalidArgument(_, let problem) {
                return ToolResult.failure(code: "invalid_arguments", message: "\(tool): \(problem)").output
            }
        }
    }

    /// Ends the instance before the runner exits; FFI tools hold no instance.
    func destroy() {
        if case .native(let plugin) = self { plugin.destroy() }
    }
}
