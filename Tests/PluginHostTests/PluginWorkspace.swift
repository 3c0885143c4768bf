import Foundation
import TestSupport
import MementoCore

/// A temporary directory where tests compile the C test plugin into native skill folders.
final class PluginWorkspace {
    let root: String

    /// Fixtures/ and the SDK header, found from this file's location in the repository.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let sdkRoot = Repository.root + "/SkillSDK"
    static let sdkInclude = sdkRoot + "/Sources/SkillABI/include"

    /// The tools every test skill declares, with schemas the registry validates against.
    static let tools: JSONValue = [
        ["name": "echo", "description": "Returns its input.",
         "input_schema": ["type": "object", "properties": ["text": ["type": "string", "maxLength": 16],
                                                           "count": ["type": "integer", "minimum": 1, "maximum": 10],
                                                           "mode": ["enum": ["a", "b"]]],
                          "required": ["text"]]],
        ["name": "stats", "description": "Allocation counters."],
        ["name": "fail", "description": "Always reports an error."],
        ["name": "big", "description": "Returns 1 MiB."],
        ["name": "segv", "description": "Writes through NULL."],
        ["name": "abort", "description": "Calls abort()."],
        ["name": "exit", "description": "Calls exit(0)."],
        ["name": "hang", "description": "Never returns."],
        ["name": "print", "description": "Spams stdout."],
        ["name": "stdin", "description": "Reads stdin."],
        ["name": "empty", "description": "Returns an empty buffer."],
        ["name": "slow", "description": "Sleeps 2 ms."],
    ]

    init() throws {
        root = try FileSystem.makeTemporaryDirectory(prefix: "memento-plugins")
    }

    deinit { try? FileSystem.removeTree(root) }

    struct Options {
        var name = "cplug"
        var version = "1.0.0"
        var buildInfo = "c"
        /// -D flags selecting defects in test_plugin.c.
        var defines: [String] = []
        /// What the library embeds, when it should differ from skill.json.
        var embeddedName: String?
        var embeddedVersion: String?
        var embeddedManifest: String?
        /// Link with the SDK's version script: only skill_abi_v1_entry@@SKILL_ABI_1 is exported.
        var versionScript = true
    }

    /// Compiles a variant into ROOT/NAME-N/ with its skill.json; returns the skill folder.
    /// The test plugin under `name`, with no defect built in.
    func skill(named name: String) throws -> String {
        var options = Options()
        options.name = name
        return try skill(options)
    }

    func skill(_ options: Options = Options()) throws -> String {
        let folder = root + "/" + options.name + "-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let manifest = manifest(options, sha256: nil)
        let config = """
            #define PLUGIN_NAME \(cString(options.embeddedName ?? options.name))
            #define PLUGIN_VERSION \(cString(options.embeddedVersion ?? options.version))
            #define PLUGIN_BUILD_INFO \(cString(options.buildInfo))
            #define PLUGIN_MANIFEST \(cString(options.embeddedManifest ?? manifest.encoded()))

            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/plugin_config.h"))
        var arguments = ["-shared", "-fPIC", "-O1", "-I", PluginWorkspace.sdkInclude, "-I", folder,
                         "-o", folder + "/libskill.so", PluginWorkspace.fixtures + "/test_plugin.c"]
        if options.versionScript { arguments += ["-Wl,--version-script=" + PluginWorkspace.sdkRoot + "/skill.map"] }
        arguments += options.defines.map { "-D" + $0 }
        try PluginWorkspace.run("/usr/bin/cc", arguments)
        let sha256 = try SHA256Hex.ofFile(atPath: folder + "/libskill.so")
        try self.manifest(options, sha256: sha256).encodedData(.pretty).write(to: URL(fileURLWithPath: folder + "/skill.json"))
        return folder
    }

    func manifest(_ options: Options, sha256: String?) -> JSONValue {
        var entry: [String: JSONValue] = ["library": "libskill.so"]
        if let sha256 { entry["sha256"] = .string(sha256) }
        return [
            "manifest_version": 1, "name": .string(options.name), "version": .string(options.version), "kind": "native",
            "description": "A C test skill. Use in tests.", "entry": .object(entry), "abi": ["major": 1, "minor": 0],
            "build": ["info": .string(options.buildInfo)], "tools": PluginWorkspace.tools,
        ]
    }

    /// Replaces skill.json's entry.sha256 (after a test tampered with the library on purpose).
    func rehash(_ folder: String) throws {
        let path = folder + "/skill.json"
        guard case .object(var members) = try JSONValue.parse(bytes: Data(contentsOf: URL(fileURLWithPath: path))),
              case .object(var entry)? = members["entry"] else { return }
        entry["sha256"] = .string(try SHA256Hex.ofFile(atPath: folder + "/libskill.so"))
        members["entry"] = .object(entry)
        try JSONValue.object(members).encodedData(.pretty).write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private func cString(_ text: String) -> String {
        var escaped = "\""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): escaped += "\\\""
            case UInt8(ascii: "\\"): escaped += "\\\\"
            case 0x0A: escaped += "\\n"
            default: escaped += String(UnicodeScalar(byte))
            }
        }
        return escaped + "\""
    }

    static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FileSystemError("run \(executable) \(arguments.joined(separator: " ")): \(String(decoding: output, as: UTF8.self))", "", code: EIO)
        }
    }
}
