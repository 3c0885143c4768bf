import Foundation
import MementoCore

/// A skill loaded into this process, whichever way it calls its code: a native plugin through
/// the C ABI, or typed FFI tools through libffi. The runner and the registry call both alike.
enum HostedSkill {
    case native(NativePlugin)
    case ffi(FFISkill)

    /// Loads the skill in `root` according to its skill.json.
    static func load(root: String, mode: LoadMode) throws(ToolCallError) -> HostedSkill {
        let manifest: SkillManifest
        do {
            manifest = try SkillManifest.load(from: URL(fileURLWithPath: root + "/" + SkillManifest.fileName))
        } catch {
            throw .manifest(error)
        }
        switch manifest.kind {
        case .ffi:
            do { return .ffi(try FFISkill(manifest: manifest)) } catch { throw .ffi(error) }
        case .native:
            do { return .native(try NativeLoader.load(try NativeSkillFolder(root: root), mode: mode)) } catch { throw .plugin(error) }
        case .script, .instructions:
            throw .notCallable(skill: manifest.name, kind: manifest.kind)
        }
    }

    var manifest: SkillManifest {
        switch self {
        case .native(let plugin): return plugin.folder.manifest
        case .ffi(let skill): return skill.manifest
        }
    }

    /// The tool's JSON reply. Invalid FFI arguments come back as an error reply, like a
    /// native skill's, since they are the caller's mistake rather than the host's.
    /// FFI tools take no settings: a C signature has nowhere to put them.
    func call(_ invocation: ToolInvocation, arguments: JSONValue) throws(ToolCallError) -> ToolResult {
        let tool = invocation.tool
        switch self {
        case .native(let plugin):
            do {
                return try invocation.withEnvelope(arguments) { (envelope) throws(PluginError) in try plugin.invoke(envelope) }
            } catch {
                throw .plugin(error)
            }
        case .ffi(let skill):
            return try HostedSkill.call(skill, tool: tool, arguments: arguments)
        }
    }

    private static func call(_ skill: FFISkill, tool: String, arguments: JSONValue) throws(ToolCallError) -> ToolResult {
        do {
            return ToolResult(output: try skill.call(tool: tool, arguments: arguments))
        } catch .invalidArgument(_, let problem) {
            return ToolResult.failure(code: "invalid_arguments", message: "\(tool): \(problem)")
        } catch {
            throw .ffi(error)
        }
    }

    /// A runner's invoke: `envelope` is the request as the host wrote it. A native skill gets
    /// those very bytes; FFI tools, which take JSON values, get them parsed.
    func serve(_ envelope: [UInt8]) throws(ToolCallError) -> ToolResult {
        switch self {
        case .native(let plugin):
            do {
                return try plugin.invoke(envelope)
            } catch {
                throw .plugin(error)
            }
        case .ffi(let skill):
            let request = (try? JSONValue.parse(bytes: envelope)) ?? .null
            guard let tool = request["tool"]?.stringValue else {
                return ToolResult.failure(code: "bad_request", message: "expected {\"tool\": NAME, \"arguments\": {…}}")
            }
            return try HostedSkill.call(skill, tool: tool, arguments: request["arguments"] ?? [:])
        }
    }

    /// Ends the instance before the runner exits; FFI tools hold no instance.
    func destroy() {
        if case .native(let plugin) = self { plugin.destroy() }
    }
}
