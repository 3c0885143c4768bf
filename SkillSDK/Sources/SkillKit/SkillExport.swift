#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import SkillABI
import SkillToolchain

/// Builds the C descriptor for a `Skill` type. SkillKit is linked into each plugin, so the
/// state below is per plugin image.
public enum SkillExport {
    /// The body of the plugin's `@c(skill_abi_v1_entry)` function. Returns NULL for a host
    /// major this SDK does not speak. The descriptor is built once and never freed.
    public static func entry<S: Skill>(_ skill: S.Type, _ hostMajor: UInt32, _ hostMinor: UInt32) -> UnsafePointer<skill_descriptor>? {
        guard hostMajor == SKILL_ABI_MAJOR else { return nil }
        return Exported.shared.descriptor(for: skill)
    }
}

/// The instance behind the opaque pointer `create` hands out. It is not generic: SkillKit is
/// compiled apart from the skill, so generic code here would run unspecialized on every call.
private final class SkillInstance {
    /// Each tool's name and its call, in the order the skill lists them; the first of two
    /// tools with one name wins. A skill has a handful of tools, and comparing a short name
    /// costs less than hashing it.
    private let names: [String]
    private let calls: [(Envelope) throws -> Data]

    init<S: Skill>(_ skill: S) {
        let tools = S.tools
        names = tools.map(\.name)
        calls = tools.map { $0.bind(skill) }
    }

    private func call(_ envelope: Envelope) throws -> Data {
        guard let index = names.firstIndex(of: envelope.tool) else { throw RequestError.unknownTool(envelope.tool) }
        return try calls[index](envelope)
    }

    /// The status code and the reply JSON for one request, which is borrowed for the call.
    func handle(_ request: UnsafeRawBufferPointer) -> (Int32, Data) {
        do {
            do {
                return (Int32(SKILL_OK), try call(try Envelope(request)))
            } catch RequestError.splitAgain {
                return (Int32(SKILL_OK), try call(try Envelope(request, quick: false)))
            }
        } catch let error as SkillError {
            return (Int32(error.code == "invalid_arguments" ? SKILL_ERR_BAD_INPUT : SKILL_ERR_FAILED), SkillCodec.error(error.code, error.message))
        } catch RequestError.unknownTool(let name) {
            return (Int32(SKILL_ERR_BAD_INPUT), SkillCodec.error("unknown_tool", "no tool '\(name)'; tools: \(names.sorted().joined(separator: ", "))"))
        } catch RequestError.badRequest {
            return (Int32(SKILL_ERR_BAD_INPUT), SkillCodec.error("bad_request", "expected {\"tool\": NAME, \"arguments\": {…}}"))
        } catch {
            return (Int32(SKILL_ERR_FAILED), SkillCodec.error("failed", "\(error)"))
        }
    }
}

private final class Exported: @unchecked Sendable {
    static let shared = Exported()
    private var mutex = pthread_mutex_t()
    private var built: UnsafeMutablePointer<skill_descriptor>?
    /// Set once with the descriptor; `create` has no other way to learn the skill's type.
    private(set) var makeInstance: (() throws -> SkillInstance)?

    private init() { pthread_mutex_init(&mutex, nil) }

    func descriptor<S: Skill>(for skill: S.Type) -> UnsafePointer<skill_descriptor> {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if let built { return UnsafePointer(built) }
        let identity = S.identity
        makeInstance = { SkillInstance(try S()) }
        let descriptor = UnsafeMutablePointer<skill_descriptor>.allocate(capacity: 1)
        descriptor.initialize(to: skill_descriptor(
            magic: SKILL_ABI_MAGIC, abi_major: SKILL_ABI_MAJOR, abi_minor: SKILL_ABI_MINOR,
            struct_size: UInt32(MemoryLayout<skill_descriptor>.size), flags: identity.flags,
            name: Exported.cString(identity.name), version: Exported.cString(identity.version),
            manifest_json: Exported.cString(identity.manifest),
            // Lives as long as the image, like the descriptor.
            build_info: UnsafePointer(strdup(Exported.buildInfo)),
            create: { _, out in
                guard let out, let make = Exported.shared.makeInstance, let instance = try? make() else { return Int32(SKILL_ERR_FAILED) }
                out.pointee = Unmanaged.passRetained(instance).toOpaque()
                return Int32(SKILL_OK)
            },
            invoke: { instance, input, length, out in
                guard let out else { return Int32(SKILL_ERR_BAD_INPUT) }
                let (code, reply): (Int32, Data)
                if let instance {
                    let request = UnsafeRawBufferPointer(start: input, count: input == nil ? 0 : length)
                    (code, reply) = Unmanaged<SkillInstance>.fromOpaque(instance).takeUnretainedValue().handle(request)
                } else {
                    (code, reply) = (Int32(SKILL_ERR_BAD_INPUT), SkillCodec.error("bad_request", "invoke without an instance"))
                }
                let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(reply.count, 1))
                reply.withUnsafeBytes { bytes in
                    if let source = bytes.baseAddress { buffer.update(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count) }
                }
                out.pointee = skill_buf(ptr: buffer, len: reply.count, reserved: nil)
                return code
            },
            free_buf: { buffer in
                guard let buffer, let pointer = buffer.pointee.ptr else { return }
                pointer.deallocate()
                buffer.pointee = skill_buf(ptr: nil, len: 0, reserved: nil)
            },
            destroy: { instance in
                guard let instance else { return }
                Unmanaged<SkillInstance>.fromOpaque(instance).release()
            }
        ))
        built = descriptor
        return UnsafePointer(descriptor)
    }

    /// A `-static-stdlib` build carries its own Swift runtime and may only run in a runner;
    /// such builds compile SkillKit with `-D SKILL_STATIC_STDLIB` (plugin-abi.md §7.3).
    private static var buildInfo: String {
        #if SKILL_STATIC_STDLIB
        return SkillToolchain.staticStdlib
        #else
        return SkillToolchain.id
        #endif
    }

    private static func cString(_ text: StaticString) -> UnsafePointer<CChar> {
        // A literal's storage is NUL-terminated rodata.
        UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
    }
}
