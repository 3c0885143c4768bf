import ArgumentParser

/// `memento skill …`: commands for skill authors.
struct SkillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skill",
        abstract: "Author skills: pack a skill folder into an installable archive.",
        subcommands: [SkillPackCommand.self]
    )
}
