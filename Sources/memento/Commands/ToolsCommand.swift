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
        let registry = try homeOptions.toolRegistry(policy: ExecutionPolicy())
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
    /// The registry over every installed skill, each read from its active tree.
    func toolRegistry(policy: ExecutionPolicy, extraSkillFolders: [String] = []) throws -> ToolRegistry {
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
        var policy = policy
        policy.settings = try SkillSettings.load(home: resolvedHome)
        policy.crashLog = StoreCrashLog(home: resolvedHome)
        policy.pythonEnvironments = PythonEnvironments(home: resolvedHome)
        policy.mcpFeatures = MCPCommandSupport.features()
        policy.mcpSpill = SpillPolicy(directory: resolvedHome + "/mcp/results")
        // A broken mcp.json matters only to a call of one of its tools (CallCommand loads it then).
        policy.mcpServers = (try? MCPConfigFile.load(home: resolvedHome))?.servers ?? [:]
        return ToolRegistry(skills: skills, policy: policy)
    }
}

extension ManifestError: LocalizedUserError {}
extension ToolCallError: LocalizedUserError {}
extension SkillSettings.LoadError: LocalizedUserError {}
