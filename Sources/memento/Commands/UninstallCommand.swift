import ArgumentParser
import PluginHost
import SkillStore

struct UninstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove skills and all their versions from the store.",
        discussion: """
            Removes only what is in the store: the skill's folder under store/skills and its records. \
            Downloaded archives stay in the cache until `memento gc`.

            EXAMPLE
              memento uninstall csv-stats
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: ArgumentHelp("Names of installed skills.", valueName: "name"))
    var names: [String]

    func run() throws {
        let store = try homeOptions.writableStore()
        for name in names {
            let versions = try store.uninstall(name)
            PythonEnvironments(home: homeOptions.resolvedHome).remove(skill: name)
            print("uninstalled \(name) (\(versions.count) version\(versions.count == 1 ? "" : "s"))")
        }
    }
}
