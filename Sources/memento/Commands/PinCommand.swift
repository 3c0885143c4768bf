import ArgumentParser
import SkillStore

struct PinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin",
        abstract: "Keep a skill at its current version: `memento update` skips it.",
        discussion: "EXAMPLE\n  memento pin csv-stats --reason \"1.3 changes the output format\""
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The skill.")
    var name: String

    @Option(help: "Why, shown whenever update skips it.")
    var reason: String?

    func run() throws {
        try homeOptions.writableStore().setPinned(name, true, reason: reason)
        print("pinned \(name)")
    }
}

struct UnpinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpin",
        abstract: "Let `memento update` move a pinned skill again.",
        discussion: "EXAMPLE\n  memento unpin csv-stats"
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The skill.")
    var name: String

    func run() throws {
        try homeOptions.writableStore().setPinned(name, false)
        print("unpinned \(name)")
    }
}
