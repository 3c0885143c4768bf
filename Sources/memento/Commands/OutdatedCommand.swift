import ArgumentParser
import MementoCore
import SkillMarket
import SkillStore

struct OutdatedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outdated",
        abstract: "List installed skills that a catalogue has newer versions of.",
        discussion: """
            EXAMPLES
              memento outdated
              memento outdated --refresh --json
            """
    )

    @OptionGroup var catalogue: CatalogueOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let client = try catalogue.client()
        let updates = try client.updates(for: try catalogue.homeOptions.readableStore()?.list() ?? [])
        if json {
            Terminal.printJSON(.array(updates.map { update in
                ["name": .string(update.installed.name), "installed": .string(update.installed.version),
                 "latest": .string(update.latest.release.version), "pinned": .bool(update.installed.pinned)]
            }))
            return
        }
        if updates.isEmpty { print("every installed skill is at its catalogue's latest version") }
        for update in updates {
            print("\(update.installed.name): \(update.installed.version) → \(update.latest.release.version)\(update.installed.pinned ? " (pinned)" : "")")
        }
    }
}
