import Foundation
import MementoCore
import SkillABI

/// A created instance of a loaded native skill. It is never destroyed in-process (the image is
/// never unloaded); the runner destroys it before exiting.
public final class NativePlugin: @unchecked Sendable {
    public let folder: NativeSkillFolder
    public let mode: LoadMode
    private let invokeFunction: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<skill_buf>?) -> Int32
    private let freeFunction: @convention(c) (UnsafeMutablePointer<skill_buf>?) -> Void
    private let destroyFunction: @convention(c) (UnsafeMutableRawPointer?) -> Void
    private let instance: UnsafeMutableRawPointer?
    private let hostAPI: UnsafeMutablePointer<skill_host_api>
    /// Held around `invoke` unless the plugin sets SKILL_FLAG_THREAD_SAFE (ABI rule 6), and
    /// always around `destroy`, which must not overlap a call.
    private let callLock = NSLock()
    private let threadSafe: Bool
    private var destroyed = false

    init(folder: NativeSkillFolder, mode: LoadMode, descriptor: UnsafePointer<skill_descriptor>) throws(PluginError) {
        let d = descriptor.pointee
        // DescriptorCheck already refused NULL pointers; this keeps the type system in agreement.
        guard let create = d.create, let invoke = d.invoke, let free = d.free_buf, let destroy = d.destroy else {
            throw .missingFunction(skill: folder.name, field: "create/invoke/free_buf/destroy")
        }
        self.folder = folder
        self.mode = mode
        invokeFunction = invoke
        freeFunction = free
        destroyFunction = destroy
        threadSafe = d.flags & NativeABI.threadSafeFlag != 0
        hostAPI = .allocate(capacity: 1)
        hostAPI.initialize(to: NativePlugin.makeHostAPI(for: folder.name))
        var created: UnsafeMutableRawPointer?
        let code = create(hostAPI, &created)
        guard code == Int32(SKILL_OK) else {
            hostAPI.deallocate()
            throw .createFailed(skill: folder.name, code: code)
        }
        instance = created
    }

    /// Sends one JSON request and returns the plugin's JSON reply: the result, or
    /// `{"error":{...}}` for a tool error. The plugin's buffer is released exactly once, through
    /// the plugin's own `free_buf`.
    public func invoke(_ request: [UInt8]) throws(PluginError) -> ToolResult {
        try request.withUnsafeBytes { request in Result { () throws(PluginError) in try invoke(request) } }.get()
    }

    /// `invoke` on borrowed bytes, which need to live only for the call.
    public func invoke(_ request: UnsafeRawBufferPointer) throws(PluginError) -> ToolResult {
        if !threadSafe { callLock.lock() }
        defer { if !threadSafe { callLock.unlock() } }
        var buffer = skill_buf(ptr: nil, len: 0, reserved: nil)
        _ = invokeFunction(instance, request.baseAddress?.assumingMemoryBound(to: UInt8.self), request.count, &buffer)
        defer { freeFunction(&buffer) }
        // The status code adds nothing the JSON does not say: an error reply carries "error".
        guard let pointer = buffer.ptr, buffer.len > 0 else { throw .invalidOutput(skill: folder.name, reason: "invoke returned an empty buffer") }
        do {
            // Copied out of the plugin's buffer, which is freed on return, and checked, not parsed.
            return try ToolResult(checking: Array(UnsafeBufferPointer(start: pointer, count: buffer.len)))
        } catch {
            throw .invalidOutput(skill: folder.name, reason: "\(error)")
        }
    }

    /// Ends the instance. Only the runner calls this, right before it exits.
    public func destroy() {
        callLock.lock()
        defer { callLock.unlock() }
        guard !destroyed else { return }
        destroyed = true
        destroyFunction(instance)
        hostAPI.deallocate()
    }

    /// Host services: `log` writes the plugin's lines to stderr, prefixed with its name.
    private static func makeHostAPI(for name: String) -> skill_host_api {
        // The context outlives every call: instances are never freed in-process, and the
        // runner exits right after destroy.
        let context = strdup(name)
        return skill_host_api(
            struct_size: UInt32(MemoryLayout<skill_host_api>.size),
            abi_major: NativeABI.major,
            host_ctx: UnsafeMutableRawPointer(context),
            log: { context, level, message, length in
                let skill = context.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "skill"
                let text = message.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self) } ?? ""
                FileHandle.standardError.write(Data("[\(skill)] level \(level): \(text)\n".utf8))
            },
            is_cancelled: { _ in 0 }
        )
    }
}
