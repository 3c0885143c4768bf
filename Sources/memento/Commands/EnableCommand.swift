import ArgumentParser
import SkillStore

struct EnableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable",
        abstract: "Let a skill that crashed too often run again.",
        discussion: """
            A native skill whose runner crashes or hangs 3 times within 5 minutes is disabled,
            across memento processes; `memento doctor` says which and why. A new version of the
            skill is never disabled by the old one's crashes. This clears the mark and the
            skill's crash count.

            EXAMPLES
              memento doctor
              memento enable csv-stats
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The skill.")
    var name: String

    func run() throws {
        if try homeOptions.writableStore().enable(name: name) {
            print("enabled \(name)")
        } else {
            print("\(name) was not disabled")
        }
    }
}
