import ArgumentParser
import SkillStore

struct LockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Write memento.lock: the active version of every skill, pinned by hash.",
        discussion: """
            `memento install --frozen` later reproduces exactly this state or fails naming every drift.

            EXAMPLES
              memento lock
              memento lock --file ci/memento.lock
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(help: ArgumentHelp("Where to write the lockfile.", valueName: "file"))
    var file = Lockfile.fileName

    func run() throws {
        let lock = try homeOptions.readableStore()?.lockfile() ?? Lockfile(skills: [:])
        try lock.write(to: file)
        print("wrote \(file) (\(lock.skills.count) skill\(lock.skills.count == 1 ? "" : "s"))")
    }
}
