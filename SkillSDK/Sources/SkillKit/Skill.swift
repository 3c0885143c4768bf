#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A native skill written in Swift: a type with one method per tool, each taking a `Decodable`
/// input and returning an `Encodable` output. `SkillExport` turns it into the C entry point;
/// nothing Swift crosses the boundary, only JSON bytes.
///
/// ```swift
/// struct Greeter: Skill {
///     static let identity = SkillIdentity(name: "greeter", version: "1.0.0", manifest: #"{…skill.json…}"#)
///     static let tools: [SkillTool<Greeter>] = [.tool("greet", Greeter.greet)]
///     struct Input: Decodable { let name: String }
///     struct Output: Encodable { let text: String }
///     func greet(_ input: Input) throws -> Output { Output(text: "Hello, \(input.name)!") }
/// }
///
/// @c(skill_abi_v1_entry)
/// public func skillEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<skill_descriptor>? { SkillExport.entry(Greeter.self, major, minor) }
/// ```
public protocol Skill: SendableMetatype {
    /// What the person running the host allows this skill (roots, hosts, limits), decoded from
    /// the request's `settings`; a missing `settings` decodes from `{}`, so give every field a
    /// safe default. Tools that need it take it as a second parameter.
    associatedtype Settings: Decodable = NoSettings
    /// One instance per `create`; its methods may keep state between calls.
    init() throws
    static var identity: SkillIdentity { get }
    static var tools: [SkillTool<Self>] { get }
}

/// What the descriptor says about the skill. The strings are literals, so they are static,
/// NUL-terminated and live as long as the image (ABI rule 2).
public struct SkillIdentity: Sendable {
    public let name: StaticString
    public let version: StaticString
    /// skill.json without `entry.sha256` (which `memento skill pack` adds after linking).
    public let manifest: StaticString
    /// SKILL_FLAG_* bits.
    public let flags: UInt32

    public init(name: StaticString, version: StaticString, manifest: StaticString, flags: UInt32 = 0) {
        self.name = name
        self.version = version
        self.manifest = manifest
        self.flags = flags
    }
}

/// A failure a tool reports to its caller: becomes `{"error":{"code":…,"message":…}}`.
public struct SkillError: Error, Sendable {
    public let code: String
    public let message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// One tool: its name and how to bind it to an instance, which gives the type-erased call that
/// decodes the arguments (and settings) from the request's envelope, runs the method and encodes
/// its output. Binding once per instance applies the method to the instance once, not per call.
public struct SkillTool<S: Skill>: Sendable {
    let name: String
    let bind: @Sendable (S) -> (Envelope) throws -> Data

    public static func tool<Input: Decodable & SendableMetatype, Output: Encodable & SendableMetatype>(_ name: String, _ method: @escaping @Sendable (S) -> (Input) throws -> Output) -> SkillTool {
        SkillTool(name: name) { skill in
            let bound = method(skill)
            return { request in try SkillCodec.encode(try bound(try arguments(Input.self, of: name, in: request))) }
        }
    }

    /// A tool that also reads the skill's settings.
    public static func tool<Input: Decodable & SendableMetatype, Output: Encodable & SendableMetatype>(_ name: String, _ method: @escaping @Sendable (S) -> (Input, S.Settings) throws -> Output) -> SkillTool {
        SkillTool(name: name) { skill in
            let bound = method(skill)
            // Most hosts send no settings: what `{}` decodes to (or why it does not) is worked
            // out once, not per call.
            let defaults = Result { try SkillCodec.decoder.decode(S.Settings.self, from: Data("{}".utf8)) }
            return { request in
                let input = try arguments(Input.self, of: name, in: request)
                let settings: S.Settings
                do {
                    settings = try request.settings.map { try SkillCodec.decoder.decode(S.Settings.self, from: $0) } ?? defaults.get()
                } catch {
                    throw SkillError("invalid_settings", "the host's settings for this skill do not decode: \(error); fix them in the host's settings.json")
                }
                return try SkillCodec.encode(try bound(input, settings))
            }
        }
    }

    private static func arguments<Input: Decodable>(_ type: Input.Type, of name: String, in request: Envelope) throws -> Input {
        guard let bytes = request.arguments else { throw SkillError("invalid_arguments", "the request has no arguments for \(name)") }
        do {
            return try SkillCodec.decoder.decode(Input.self, from: bytes)
        } catch {
            // Arguments taken as the rest of the request: the whole request is split again
            // before anything is said about them (see `Envelope`).
            if request.tookRest { throw RequestError.splitAgain }
            throw SkillError("invalid_arguments", "the arguments of \(name) do not decode: \(error)")
        }
    }
}

/// A skill without settings.
public struct NoSettings: Decodable, Sendable {}

/// A request that is not an envelope or names no tool of this skill; or arguments taken by the
/// quick split that did not decode, before the tool ran.
enum RequestError: Error {
    case badRequest
    case unknownTool(String)
    case splitAgain
}

enum SkillCodec {
    /// Sorted keys, so equal results are equal bytes in every process (plugin-abi.md §7.8).
    /// One coder each for the image: they hold no per-call state, and every instance shares them.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    static let decoder = JSONDecoder()

    static func encode(_ value: some Encodable) throws -> Data {
        try encoder.encode(value)
    }

    static func error(_ code: String, _ message: String) -> Data {
        struct Body: Encodable { let code: String; let message: String }
        struct Reply: Encodable { let error: Body }
        // Encoding two strings cannot fail; the literal is a last resort that is still valid JSON.
        return (try? encode(Reply(error: Body(code: code, message: message)))) ?? Data(#"{"error":{"code":"failed","message":"unencodable error"}}"#.utf8)
    }
}
