import ArgumentParser
import SkillStore

struct RollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Make the previous (or a given) installed version active again.",
        discussion: """
            One rename of the skill's `current` link; versions themselves are never changed. Rolling \
            back twice returns to where you started.

            EXAMPLES
              memento rollback csv-stats
              memento rollback csv-stats --to 1.0.0
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: ArgumentHelp("The skill.", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("An installed version to switch to, instead of the previous one.", valueName: "version"))
    var to: String?

    func run() throws {
        let store = try homeOptions.writableStore()
        let result = try store.rollback(name, to: to)
        print("\(name): \(result.from) → \(result.to)")
    }
}
