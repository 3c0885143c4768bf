import Foundation
import MementoCore
import PluginHost
import Testing
import TestSupport

/// The first-party skills as `make plugins` builds them (.build/first-party-skills/NAME), called
/// through the registry exactly as `memento call` calls them, with the settings a test gives.
enum FirstParty {
    static let built = ProcessInfo.processInfo.environment["MEMENTO_FIRST_PARTY_SKILLS"] ?? Repository.root + "/.build/first-party-skills"

    struct NotBuilt: Error, CustomStringConvertible {
        let name: String
        var description: String { "\(FirstParty.built)/\(name) is missing: run `make plugins` (make test does) before these tests" }
    }

    /// A registry holding one first-party skill. In-process by default, as trusted first-party
    /// tools run; `inProcess: false` puts it in a runner.
    static func registry(_ name: String, settings: JSONValue = [:], inProcess: Bool = true) throws -> ToolRegistry {
        let root = built + "/" + name
        guard FileManager.default.fileExists(atPath: root + "/" + SkillManifest.fileName) else { throw NotBuilt(name: name) }
        let skill = try RegisteredSkill.read(root: root, fallbackName: name, fallbackVersion: "0.0.0", fallbackDescription: "")
        let policy = ExecutionPolicy(inProcessSkills: inProcess ? [name] : [], runnerExecutable: runnerBinary, settings: [name: settings])
        return ToolRegistry(skills: [skill], policy: policy)
    }

    /// memento itself, for runner mode (the runner is the host binary re-executed).
    static var runnerBinary: String { CLI.binary }
}

extension ToolRegistry {
    /// Calls and expects success; records the error reply otherwise.
    func expectSuccess(_ tool: String, _ arguments: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        let result = try call(tool, arguments: arguments)
        if let message = result.errorMessage { Issue.record("\(tool) failed: \(message)", sourceLocation: sourceLocation) }
        return result.output
    }

    /// Calls and expects an error reply; returns its code.
    func expectFailure(_ tool: String, _ arguments: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) throws -> String? {
        let result = try call(tool, arguments: arguments)
        if !result.isError { Issue.record("\(tool) succeeded but should not have: \(result.output.encoded())", sourceLocation: sourceLocation) }
        return result.output["error"]?["code"]?.stringValue
    }
}

/// A scratch folder with a root to allow and, beside it, a folder that must stay out of reach.
final class Sandbox {
    let base: String
    var root: String { base + "/root" }
    var outside: String { base + "/outside" }

    init() throws {
        // Canonical, as the skills report paths after resolving symlinks.
        base = URL(fileURLWithPath: try FileSystem.makeTemporaryDirectory(prefix: "memento-first-party")).resolvingSymlinksInPath().path
        try FileManager.default.createDirectory(atPath: base + "/root", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/outside", withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ text: String, in folder: String? = nil) throws {
        let path = (folder ?? root) + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func read(_ relative: String) throws -> String {
        try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
    }

    var settings: JSONValue { ["roots": [.string(root)]] }

    deinit { try? FileSystem.removeTree(base) }
}
