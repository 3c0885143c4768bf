import Foundation
import MementoCore
import Testing
import TestSupport

/// The promises of the command line itself: help with examples, one-line errors, exit codes.
@Suite struct CommandLineTests {
    @Test(arguments: ["install", "uninstall", "rollback", "list", "info", "lock", "gc", "doctor"])
    func everyCommandHasHelpWithAnExample(command: String) throws {
        let result = try CLI(home: "/nonexistent-home").run([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("EXAMPLE"), "\(command) --help has no example")
    }

    @Test func topLevelHelpDocumentsExitCodes() throws {
        let result = try CLI(home: "/nonexistent-home").run(["--help"])
        #expect(result.stdout.contains("EXIT CODES"))
    }

    @Test func errorsAreOneLineWithExitCodeTwo() throws {
        let temporary = try TemporaryDirectory()
        let cli = CLI(home: temporary.path + "/home")
        let missing = try cli.run(["install", temporary.path + "/nope"])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("error: "))
        #expect(missing.stderr.split(separator: "\n").count == 1)
        let unknown = try cli.run(["info", "never-installed"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("memento list"))
        let usage = try cli.run(["install"])
        #expect(usage.status == 2)
    }

    @Test func listOnAnEmptyHomeIsEmpty() throws {
        let temporary = try TemporaryDirectory()
        let result = try CLI(home: temporary.path + "/never-used").run(["list", "--json"])
        #expect(result.status == 0)
        #expect(result.json == .array([]))
        #expect(!FileManager.default.fileExists(atPath: temporary.path + "/never-used"), "reading must not create a home")
    }

    @Test func homeFlagBeatsTheEnvironment() throws {
        let temporary = try TemporaryDirectory()
        let skill = temporary.path + "/flagged"
        try FileManager.default.createDirectory(atPath: skill, withIntermediateDirectories: true)
        try Data("---\nname: flagged\ndescription: Flag test. Use in tests.\n---\n".utf8).write(to: URL(fileURLWithPath: skill + "/SKILL.md"))
        let cli = CLI(home: temporary.path + "/from-env")
        #expect(try cli.run(["install", "--home", temporary.path + "/from-flag", skill]).status == 0)
        #expect(FileManager.default.fileExists(atPath: temporary.path + "/from-flag/memento.db"))
        #expect(!FileManager.default.fileExists(atPath: temporary.path + "/from-env"))
    }

    @Test func doctorReportsAnInterruptedInstallAndFixFinishesIt() throws {
        let temporary = try TemporaryDirectory()
        let archive = try temporary.archive(name: "halfway", version: "1.0.0", fileCount: 10, seed: "h")
        let cli = CLI(home: temporary.path + "/home")
        #expect(try cli.run(["install", archive]).status == 0)
        #expect(try cli.run(["uninstall", "halfway"]).status == 0)
        // Killed after the pending record and the tree rename, before the new `current` link is
        // made (the last points are: link, rename, fsync, and the commit's two).
        let count = temporary.path + "/count"
        #expect(try cli.run(["install", archive], extraEnvironment: ["MEMENTO_CRASH_COUNT": count]).status == 0)
        #expect(try cli.run(["uninstall", "halfway"]).status == 0)
        let total = try #require(Int(try String(contentsOfFile: count, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let killed = try cli.run(["install", archive], extraEnvironment: ["MEMENTO_CRASH_AT": String(total - 4)])
        #expect(killed.killedBySignal == SIGKILL)

        let doctor = try cli.run(["doctor", "--json"])
        #expect(doctor.status == 1)
        let codes = Set(doctor.json?["findings"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? [])
        #expect(codes == ["interrupted-install", "staging-leftovers"], "\(doctor.stdout)")
        #expect(try cli.run(["doctor", "--fix"]).status == 0)
        #expect(try cli.run(["doctor"]).status == 0)
    }

    @Test func doctorExitsOneOnProblems() throws {
        let temporary = try TemporaryDirectory()
        let skill = temporary.path + "/drifty"
        try FileManager.default.createDirectory(atPath: skill, withIntermediateDirectories: true)
        try Data("---\nname: drifty\ndescription: Drift test. Use in tests.\n---\n".utf8).write(to: URL(fileURLWithPath: skill + "/SKILL.md"))
        let cli = CLI(home: temporary.path + "/home")
        #expect(try cli.run(["install", skill]).status == 0)
        #expect(try cli.run(["doctor"]).status == 0)
        let tree = temporary.path + "/home/store/skills/drifty/0.0.0"
        try FileSystem.setPermissions(tree, 0o755)
        try FileSystem.setPermissions(tree + "/SKILL.md", 0o644)
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: tree + "/SKILL.md"))
        let doctor = try cli.run(["doctor", "--json"])
        #expect(doctor.status == 1)
        #expect(doctor.json?["findings"]?.arrayValue?.first?["code"] == "tree-drift")
    }
}
