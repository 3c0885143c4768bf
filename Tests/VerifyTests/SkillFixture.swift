import Foundation
import Testing
@testable import Verify

/// One entry of a skill folder written for a test.
enum FixtureEntry: Sendable {
    case text(String, mode: mode_t = 0o644)
    case bytes([UInt8], mode: mode_t = 0o644)
    case symlink(String)
    case hardLink(to: String)
    /// A hard link to a file created beside the skill folder, outside it.
    case hardLinkOutside
    case fifo
}

extension FixtureEntry {
    var isLink: Bool {
        switch self {
        case .hardLink, .hardLinkOutside: return true
        default: return false
        }
    }
}

/// A skill folder on disk, built from a dictionary of relative paths. `SKILL.md` defaults to a
/// valid, honest manifest unless the test replaces or removes it.
struct SkillFixture: Sendable {
    static let name = "demo-skill"
    static let honestSkillMD = """
        ---
        name: demo-skill
        description: Converts CSV files to JSON. Use when the user asks to convert a CSV file.
        license: MIT
        ---
        # Demo

        Run `scripts/run.py` with the input file.
        """

    static func skillMD(body: String, description: String = "Converts CSV files to JSON. Use when the user asks to convert a CSV file.",
                        extra: String = "") -> String
    {
        "---\nname: demo-skill\ndescription: \(description)\nlicense: MIT\n\(extra)---\n\(body)\n"
    }

    /// A skill.json for a script skill, with the permissions a test needs.
    static func manifest(kind: String = "script", network: [String] = [], env: [String] = [], executables: [String] = [],
                         entry: String = #"{"command": "python3", "args": ["scripts/run.py"]}"#, extra: String = "") -> String
    {
        func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        return """
            {"manifest_version": 1, "name": "demo-skill", "version": "1.0.0", "kind": "\(kind)",
             "description": "Converts CSV files to JSON.", "entry": \(entry),
             "tools": [{"name": "convert", "description": "Convert a CSV file to JSON", "input_schema": {"type": "object"}}],
             "permissions": {"network": \(list(network)), "env": \(list(env)), "executables": \(list(executables))}\(extra)}
            """
    }

    var entries: [String: FixtureEntry]

    init(_ entries: [String: FixtureEntry], skillMD: String? = SkillFixture.honestSkillMD) {
        var all = entries
        if let skillMD, all["SKILL.md"] == nil { all["SKILL.md"] = .text(skillMD) }
        self.entries = all
    }

    /// Creates the folder under a fresh temporary directory and returns the skill root.
    func write() throws -> URL {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("verify-tests-\(UUID().uuidString)")
        let root = base.appendingPathComponent(SkillFixture.name)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // Hard links need their target first.
        for (path, entry) in entries.sorted(by: { $0.key < $1.key }) {
            if entry.isLink { continue }
            try write(entry, at: root.appendingPathComponent(path))
        }
        for (path, entry) in entries where entry.isLink {
            try write(entry, at: root.appendingPathComponent(path), root: root)
        }
        return root
    }

    private func write(_ entry: FixtureEntry, at url: URL, root: URL? = nil) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        switch entry {
        case .text(let text, let mode):
            try Data(text.utf8).write(to: url)
            chmod(url.path, mode)
        case .bytes(let bytes, let mode):
            try Data(bytes).write(to: url)
            chmod(url.path, mode)
        case .symlink(let target):
            try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
        case .hardLink(let target):
            try FileManager.default.linkItem(at: (root ?? url.deletingLastPathComponent()).appendingPathComponent(target), to: url)
        case .hardLinkOutside:
            let outside = (root ?? url).deletingLastPathComponent().appendingPathComponent("outside-\(UUID().uuidString).txt")
            try Data("secret".utf8).write(to: outside)
            try FileManager.default.linkItem(at: outside, to: url)
        case .fifo:
            #expect(mkfifo(url.path, 0o644) == 0)
        }
    }

    func audit(policy: Policy = .default, acknowledged: [Acknowledgement] = [], limits: AuditLimits = AuditLimits(),
               sandbox: (any ExecutionSandbox)? = nil) throws -> AuditReport
    {
        let root = try write()
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        return try Auditor.audit(folder: root, policy: policy, acknowledged: acknowledged, limits: limits, sandbox: sandbox)
    }
}

extension AuditReport {
    func has(_ ruleId: String) -> Bool { findings.contains { $0.ruleId == ruleId } }
    func findings(_ ruleId: String) -> [Finding] { findings.filter { $0.ruleId == ruleId } }
}
