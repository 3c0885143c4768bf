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
        } catch {
            return try refusal(error, tool: tool)
        }
    }

    /// A runner's invoke: `envelope` is the request as the host wrote it; the reply is JSON on
    /// one line. A native skill gets those very bytes; FFI tools take its tool and arguments
    /// members, and only the arguments their signature names are parsed.
    func serve(_ envelope: [UInt8]) throws(ToolCallError) -> [UInt8] {
        switch self {
        case .native(let plugin):
            do {
                return try plugin.invoke(envelope).encoded
            } catch {
                throw .plugin(error)
            }
        case .ffi(let skill):
            let members = try? RunnerProtocol.members(HostedSkill.envelopeMembers, of: envelope)
            guard let members, let tool = members[0].flatMap({ (try? JSONValue.parse(bytes: envelope[$0]))?.stringValue }) else {
                return ToolResult.failure(code: "bad_request", message: "expected {\"tool\": NAME, \"arguments\": {…}}").encoded
            }
            do {
                return try envelope.withUnsafeBufferPointer { buffer throws(FFIError) in
                    try skill.reply(tool: tool, arguments: members[1].map { UnsafeBufferPointer(rebasing: buffer[$0]) })
                }
            } catch {
                return try HostedSkill.refusal(error, tool: tool).encoded
            }
        }
    }

    private static let envelopeMembers: [StaticString] = ["tool", "arguments"]

    /// An FFI tool's refusal of the caller's arguments is an error reply, like a native skill's:
    /// they are the caller's mistake rather than the host's. Any other failure is thrown.
    private static func refusal(_ error: FFIError, tool: String) throws(ToolCallError) -> ToolResult {
        guard case .invalidArgument(_, let problem) = error else { throw .ffi(error) }
        return ToolResult.failure(code: "invalid_arguments", message: "\(tool): \(problem)")
    }

    /// Ends the instance before the runner exits; FFI tools hold no instance.
    func destroy() {
        if case .native(let plugin) = self { plugin.destroy() }
    }
}
