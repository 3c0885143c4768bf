import ArgumentParser
import Foundation
import MCP
import MementoCore
import PluginHost
import SkillStore

struct ToolsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools",
        abstract: "List every tool of every installed skill, named SKILL.TOOL.",
        discussion: """
            Reads manifests only: no skill code is loaded. Instruction skills are listed with no
            tools (the model reads their SKILL.md).

            EXAMPLES
              memento tools
              memento tools --json | jq '.[].name'
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Flag(help: "Print a JSON array: name, skill, kind, description, input_schema per tool.")
    var json = false

    func run() throws {
        // Listing reads manifests only: no settings, no servers, nothing started.
        let registry = ToolRegistry(skills: try homeOptions.registeredSkills())
        if json {
            Terminal.printJSON(.array(registry.tools.map(\.json)))
            return
        }
        guard !registry.skills.isEmpty else {
            print("no skills installed; try `memento install PATH`")
            return
        }
        for skill in registry.skills {
            print("\(skill.name) \(skill.version) (\(skill.kind.rawValue))")
            if skill.tools.isEmpty {
                print("  no callable tools" + (skill.kind == .instructions ? ": the model reads its SKILL.md" : ""))
            }
            for tool in skill.tools {
                print("  \(skill.name).\(tool.name)  \(tool.description)")
            }
        }
    }
}

extension HomeOptions {
    /// Every installed skill, read from its active tree, then `extraSkillFolders`.
    func registeredSkills(extraSkillFolders: [String] = []) throws -> [RegisteredSkill] {
        var skills: [RegisteredSkill] = []
        if let store = try readableStore() {
            for installed in try store.list() {
                skills.append(try RegisteredSkill.read(root: store.layout.current(installed.name), fallbackName: installed.name,
                                                       fallbackVersion: installed.version, fallbackDescription: installed.description))
            }
        }
        for folder in extraSkillFolders {
            let name = (folder as NSString).lastPathComponent
            skills.append(try RegisteredSkill.read(root: folder, fallbackName: name, fallbackVersion: "0.0.0", fallbackDescription: ""))
        }
        return skills
    }

    /// A registry that runs tools: `policy` (which the caller fills with what it decides: where
    /// skills run, what MCP servers may ask of it, which external servers exist) plus what the
    /// home holds: each skill's settings, the crash log, Python environments, the result spill.
    func toolRegistry(policy: ExecutionPolicy, extraSkillFolders: [String] = []) throws -> ToolRegistry {
        var policy = policy
        policy.settings = try SkillSettings.load(home: resolvedHome)
        policy.crashLog = StoreCrashLog(home: resolvedHome)
        policy.pythonEnvironments = PythonEnvironments(home: resolvedHome)
        policy.mcpSpill = SpillPolicy(directory: resolvedHome + "/mcp/results")
        return ToolRegistry(skills: try registeredSkills(extraSkillFolders: extraSkillFolders), policy: policy)
    }
}

extension ManifestError: LocalizedUserError {}
extension ToolCallError: LocalizedUserError {}
extension SkillSettings.LoadError: LocalizedUserError {}
