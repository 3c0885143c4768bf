import ArgumentParser
import MementoCore
import SkillStore

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show an installed skill: its versions, hashes, source and verdict.",
        discussion: """
            EXAMPLES
              memento info csv-stats
              memento info csv-stats --json
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: ArgumentHelp("The skill.", valueName: "name"))
    var name: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        guard let store = try homeOptions.readableStore() else { throw StoreError.notFound(name) }
        let details = try store.info(name)
        if json {
            Terminal.printJSON(details.json)
            return
        }
        print("\(details.skill.name)")
        if let current = details.current {
            print("  description: \(current.description)")
            print("  kind:        \(current.kind)")
            print("  path:        \(store.layout.current(name))")
        }
        print("  current:     \(details.skill.currentVersion ?? "none")")
        if let previous = details.skill.previousVersion { print("  previous:    \(previous)") }
        print("  versions:")
        for version in details.versions {
            let marker = version.version == details.skill.currentVersion ? "*" : " "
            print("   \(marker) \(version.version)  tree \(version.treeSha256.prefix(16))…  \(version.fileCount) files  from \(version.source)")
            if let archive = version.archiveSha256 { print("       archive sha256 \(archive)") }
            if let verdict = version.verdict { print("       verdict \(verdict)") }
        }
    }
}
