import Foundation
import MementoCore
import Testing
import TestSupport

/// Runs the built `memento` as a user would, without the Swift backtracer's delay on crashes.
enum Memento {
    static func run(_ arguments: [String], home: String) throws -> CLI.Result {
        try CLI(home: home, environment: ["SWIFT_BACKTRACE": "enable=no"]).run(arguments)
    }
}

@Suite("memento tools and memento call", .timeLimit(.minutes(2)))
struct CLITests {
    /// Builds the test plugin as the skill `clitool` and installs it; returns the home.
    func installCLITool(_ workspace: PluginWorkspace) throws -> String {
        var options = PluginWorkspace.Options()
        options.name = "clitool"
        let built = try workspace.skill(options)
        // The store wants the folder named like the skill.
        let folder = workspace.root + "/clitool"
        try FileSystem.rename(built, to: folder)
        let home = workspace.root + "/home"
        let install = try Memento.run(["install", folder], home: home)
        #expect(install.status == 0, "\(install.stderr)")
        return home
    }

    /// Each `memento call` is its own process: the crash limit holds across them because the
    /// crashes are counted in the store, and doctor says why the skill stopped running.
    @Test func crashesInSeparateCallsDisableTheSkillUntilItIsEnabled() throws {
        let workspace = try PluginWorkspace()
        let home = try installCLITool(workspace)
        for attempt in 1...3 {
            let crashed = try Memento.run(["call", "clitool.segv"], home: home)
            #expect(crashed.status == 2, "attempt \(attempt): \(crashed.stderr)")
            #expect(crashed.stderr.contains("killed by signal 11 (SIGSEGV)"))
        }
        let refused = try Memento.run(["call", "clitool.echo", "--args", #"{"text":"hi"}"#], home: home)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("'clitool' is disabled: it crashed or hung 3 times within 300s (last: runner killed by signal 11 (SIGSEGV))"), "\(refused.stderr)")

        let doctor = try Memento.run(["doctor", "--json", "--quick"], home: home)
        #expect(doctor.status == 1)
        let finding = try JSONValue.parse(doctor.stdout)["findings"]?.arrayValue?.first { $0["code"] == "skill-disabled" }
        #expect(finding?["subject"] == "clitool@1.0.0")
        #expect(finding?["message"]?.stringValue?.contains("crashed or hung 3 times") == true)
        #expect(finding?["fix"]?.stringValue?.contains("memento enable clitool") == true)

        #expect(try Memento.run(["enable", "clitool"], home: home).stdout == "enabled clitool\n")
        let again = try Memento.run(["call", "clitool.echo", "--args", #"{"text":"hi"}"#, "--json"], home: home)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Memento.run(["doctor", "--quick"], home: home).status == 0)
        // The crash count started over: one more crash does not disable it again.
        _ = try Memento.run(["call", "clitool.segv"], home: home)
        #expect(try Memento.run(["call", "clitool.echo", "--args", #"{"text":"hi"}"#], home: home).status == 0)
    }

    @Test func installedNativeSkillsAreListedAndCalledThroughARunner() throws {
        let workspace = try PluginWorkspace()
        let home = try installCLITool(workspace)
        let notes = workspace.root + "/notes"
        try FileManager.default.createDirectory(atPath: notes, withIntermediateDirectories: true)
        try Data("---\nname: notes\ndescription: How to take notes. Use when asked for notes.\n---\n# Notes\n".utf8)
            .write(to: URL(fileURLWithPath: notes + "/SKILL.md"))
        let install = try Memento.run(["install", notes], home: home)
        #expect(install.status == 0, "\(install.stderr)")

        let listed = try Memento.run(["tools", "--json"], home: home)
        #expect(listed.status == 0)
        let names = try JSONValue.parse(listed.stdout).arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.contains("clitool.echo") && names.contains("clitool.stats"))
        #expect(!names.contains { $0.hasPrefix("notes.") })
        let text = try Memento.run(["tools"], home: home)
        #expect(text.stdout.contains("notes 0.0.0 (instructions)"))
        #expect(text.stdout.contains("no callable tools: the model reads its SKILL.md"))

        let called = try Memento.run(["call", "clitool.echo", "--args", #"{"text":"hi"}"#, "--json"], home: home)
        #expect(called.status == 0, "\(called.stderr)")
        #expect(try JSONValue.parse(called.stdout)["input"]?["arguments"] == ["text": "hi"])

        let invalid = try Memento.run(["call", "clitool.echo", "--args", #"{"text":7}"#], home: home)
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("arguments.text: expected string, found integer"))

        let failing = try Memento.run(["call", "clitool.fail"], home: home)
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("the fail tool always fails"))

        let hung = try Memento.run(["call", "clitool.hang", "--timeout", "0.3"], home: home)
        #expect(hung.status == 2)
        #expect(hung.stderr.contains("did not answer within 0.3s"))

        let unknown = try Memento.run(["call", "clitool.nope"], home: home)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("its tools are: clitool.echo"))

        let notJSON = try Memento.run(["call", "clitool.echo", "--args", "{text}"], home: home)
        #expect(notJSON.status == 2)
        #expect(notJSON.stderr.contains("--args is not valid JSON"))
    }

    @Test func aRunnerDiesWithItsHost() throws {
        let workspace = try PluginWorkspace()
        let home = try installCLITool(workspace)
        let host = try CLI(home: home).start(["call", "clitool.hang", "--timeout", "60"])
        defer { if host.isRunning { kill(host.processIdentifier, SIGKILL) } }
        var runner: pid_t?
        for _ in 0..<600 where runner == nil {
            runner = ProcessTable.children(of: host.processIdentifier).first
            Thread.sleep(forTimeInterval: 0.05)
        }
        let child = try #require(runner, "memento started no runner")
        kill(host.processIdentifier, SIGKILL)
        host.waitUntilExit()
        // PR_SET_PDEATHSIG: the kernel kills the runner with its host.
        for _ in 0..<100 where ProcessTable.isRunning(child) { Thread.sleep(forTimeInterval: 0.02) }
        #expect(!ProcessTable.isRunning(child), "runner \(child) survived its host")
    }

    @Test func helpTextsCarryExamples() throws {
        let workspace = try PluginWorkspace()
        for command in ["tools", "call"] {
            let help = try Memento.run([command, "--help"], home: workspace.root)
            #expect(help.stdout.contains("EXAMPLES") && help.stdout.contains("memento \(command)"))
        }
        // The runner is internal: absent from the command list.
        #expect(!(try Memento.run(["--help"], home: workspace.root).stdout.contains("runner")))
    }
}

@Suite("memento skill pack", .timeLimit(.minutes(2)))
struct SkillPackTests {
    @Test func packRecordsTheHashAndTheArchiveInstallsAndRuns() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "packed"
        let built = try workspace.skill(options)
        let folder = workspace.root + "/packed"
        try FileSystem.rename(built, to: folder)
        // Start from a manifest without a hash, as an author's build leaves it.
        try workspace.manifest(options, sha256: nil).encodedData(.pretty).write(to: URL(fileURLWithPath: folder + "/skill.json"))
        let home = workspace.root + "/home"
        let archive = workspace.root + "/packed-1.0.0.skill"

        let packed = try Memento.run(["skill", "pack", folder, "--output", archive], home: home)
        #expect(packed.status == 0, "\(packed.stderr)")
        #expect(packed.stdout.contains(archive))
        let recorded = try JSONValue.parse(bytes: Data(contentsOf: URL(fileURLWithPath: folder + "/skill.json")))["entry"]?["sha256"]?.stringValue
        #expect(recorded == (try SHA256Hex.ofFile(atPath: folder + "/libskill.so")))

        #expect(try Memento.run(["install", archive], home: home).status == 0)
        let called = try Memento.run(["call", "packed.echo", "--args", #"{"text":"zip"}"#, "--json"], home: home)
        #expect(called.status == 0, "\(called.stderr)")

        // A library that is not a loadable plugin is refused at pack time, not at first call.
        try Data("not a library".utf8).write(to: URL(fileURLWithPath: folder + "/libskill.so"))
        let refused = try Memento.run(["skill", "pack", folder, "--output", workspace.root + "/bad.skill"], home: home)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("not an ELF file"))
        #expect(!FileManager.default.fileExists(atPath: workspace.root + "/bad.skill"))
    }
}

@Suite("memento skill new and build", .timeLimit(.minutes(5)))
struct SkillTemplateTests {
    @Test func aNativeTemplateBuildsPacksInstallsAndRuns() throws {
        let workspace = try PluginWorkspace()
        let home = workspace.root + "/home"
        let made = try Memento.run(["skill", "new", "hello-kit", "--kind", "native", "--sdk", PluginWorkspace.sdkRoot, "--directory", workspace.root], home: home)
        #expect(made.status == 0, "\(made.stderr)")
        let folder = workspace.root + "/hello-kit"

        // Compiles the template with SwiftPM against this SkillSDK: seconds, not minutes.
        let built = try Memento.run(["skill", "build", folder], home: home)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/libhello-kit.so"))

        for mode in [[], ["--in-process"]] {
            let called = try Memento.run(["call", "hello-kit.hello", "--skill-dir", folder, "--args", #"{"name":"Ada"}"#, "--json"] + mode, home: home)
            #expect(called.status == 0, "\(mode): \(called.stderr)")
            #expect(try JSONValue.parse(called.stdout) == ["greeting": "Hello, Ada!"])
        }
        // The template's schema (minLength 1) refuses an empty name before the plugin runs.
        let refused = try Memento.run(["call", "hello-kit.hello", "--skill-dir", folder, "--args", #"{"name":""}"#], home: home)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("arguments.name: shorter than 1 characters"))

        let archive = workspace.root + "/hello-kit.skill"
        #expect(try Memento.run(["skill", "pack", folder, "--output", archive], home: home).status == 0)
        #expect(try Memento.run(["install", archive], home: home).status == 0)
        let tools = try Memento.run(["tools"], home: home)
        #expect(tools.stdout.contains("hello-kit.hello"))
    }

    @Test func anInstructionsTemplateInstalls() throws {
        let workspace = try PluginWorkspace()
        let home = workspace.root + "/home"
        #expect(try Memento.run(["skill", "new", "meeting-notes", "--directory", workspace.root], home: home).status == 0)
        let installed = try Memento.run(["install", workspace.root + "/meeting-notes"], home: home)
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(try Memento.run(["skill", "new", "Bad_Name"], home: home).status == 2)
        let again = try Memento.run(["skill", "new", "meeting-notes", "--directory", workspace.root], home: home)
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))
    }
}
