import Foundation
import MementoCore
import Testing
@testable import PluginHost

@Suite("The tool registry", .timeLimit(.minutes(2)))
struct RegistryTests {
    /// A script skill that changes its requirements without changing its version must not run
    /// on the environment built for the old ones: the folder is named by both.
    @Test func aPythonEnvironmentIsNamedByItsVersionAndItsRequirements() {
        let environments = PythonEnvironments(home: "/h")
        func manifest(_ version: SemanticVersion, _ requirements: [String]) -> SkillManifest {
            SkillManifest(name: "words", version: version, kind: .script, description: "Counts words. Use in tests.",
                          python: .init(requirements: requirements))
        }
        let first = environments.path(for: manifest(SemanticVersion(1, 0, 0), ["mcp==2.3.0"]))
        #expect(first.hasPrefix("/h/envs/words/1.0.0-"))
        #expect(environments.path(for: manifest(SemanticVersion(1, 0, 0), ["mcp==2.3.0"])) == first)
        #expect(environments.path(for: manifest(SemanticVersion(1, 0, 0), ["mcp==2.3.0", "rich==13.9.4"])) != first)
        #expect(environments.path(for: manifest(SemanticVersion(1, 0, 1), ["mcp==2.3.0"])).hasPrefix("/h/envs/words/1.0.1-"))
    }

    func registry(_ workspace: PluginWorkspace, _ options: PluginWorkspace.Options, inProcess: Bool) throws -> ToolRegistry {
        let folder = try workspace.skill(options)
        let instructions = workspace.root + "/notes"
        try FileManager.default.createDirectory(atPath: instructions, withIntermediateDirectories: true)
        let skills = [
            try RegisteredSkill.read(root: folder, fallbackName: "", fallbackVersion: "", fallbackDescription: ""),
            try RegisteredSkill.read(root: instructions, fallbackName: "notes", fallbackVersion: "1.0.0", fallbackDescription: "How to take notes."),
        ]
        let policy = ExecutionPolicy(inProcessSkills: inProcess ? [options.name] : [], runnerExecutable: mementoBinary) { configuration in
            configuration.environment["SWIFT_BACKTRACE"] = "enable=no"
            configuration.callTimeout = .seconds(20)
        }
        return ToolRegistry(skills: skills, policy: policy)
    }

    @Test func listsEveryToolInOneNamespace() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "listing"
        let registry = try registry(workspace, options, inProcess: false)
        #expect(registry.tools.map(\.qualifiedName).contains("listing.echo"))
        #expect(registry.skills.map(\.name) == ["listing", "notes"])
        #expect(registry.skills.last?.tools.isEmpty == true)
        #expect(registry.tools.first?.json["input_schema"]?["type"] == "object")
        // Listing loaded nothing.
        #expect(registry.executionStatus(of: "listing") == nil)
    }

    @Test(arguments: [false, true])
    func callsWithValidationInARunnerOrInProcess(inProcess: Bool) throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = inProcess ? "registryinproc" : "registryrunner"
        let registry = try registry(workspace, options, inProcess: inProcess)
        defer { registry.shutdown() }
        let ok = try registry.call(options.name + ".echo", arguments: ["text": "hi", "count": 2])
        #expect(!ok.isError)
        #expect(ok.output["input"]?["arguments"] == ["text": "hi", "count": 2])
        #expect(registry.executionStatus(of: options.name) == (inProcess ? "in-process" : "runner"))

        // A bad argument is a tool error, and the plugin is never called with it.
        let bad = try registry.call(options.name + ".echo", arguments: ["text": 5, "count": 0])
        #expect(bad.isError)
        #expect(bad.output["error"]?["code"] == "invalid_arguments")
        #expect(bad.errorMessage?.contains("arguments.text: expected string") == true)
        #expect(bad.errorMessage?.contains("arguments.count: 0.0 is less than the minimum 1.0") == true)

        let failed = try registry.call(options.name + ".fail", arguments: [:])
        #expect(failed.errorMessage == "the fail tool always fails")
    }

    @Test func namesThatResolveToNothingAreClearErrors() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "naming"
        let registry = try registry(workspace, options, inProcess: false)
        for (name, expected) in [("nodot", "badName"), ("ghost.echo", "unknownSkill"), ("naming.nope", "unknownTool"), ("notes.read", "notCallable"), (".echo", "badName")] {
            do {
                _ = try registry.call(name, arguments: [:])
                Issue.record("\(name) was called")
            } catch {
                #expect(Mirror(reflecting: error).children.first?.label == expected, "\(name): \(error)")
            }
        }
    }

    @Test func aTrustedSkillFromAnotherToolchainIsRoutedToARunner() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "routed"
        options.buildInfo = "swift-5.10-RELEASE x86_64-unknown-linux-gnu"
        let registry = try registry(workspace, options, inProcess: true)
        defer { registry.shutdown() }
        #expect(!(try registry.call("routed.echo", arguments: ["text": "x"]).isError))
        #expect(registry.executionStatus(of: "routed") == "runner")
    }

    @Test func aCrashingSkillIsReportedAndTheRegistryCarriesOn() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "crashy"
        let registry = try registry(workspace, options, inProcess: false)
        defer { registry.shutdown() }
        do {
            _ = try registry.call("crashy.abort", arguments: [:])
            Issue.record("abort returned")
        } catch {
            #expect("\(error)".contains("SIGABRT"))
        }
        #expect(!(try registry.call("crashy.echo", arguments: ["text": "again"]).isError))
    }
}
