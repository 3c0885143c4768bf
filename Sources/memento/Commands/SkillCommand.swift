import ArgumentParser

/// `memento skill …`: commands for skill authors.
struct SkillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skill",
        abstract: "Author skills: create one from a template, build a native one, pack it into an archive.",
        subcommands: [SkillNewCommand.self, SkillBuildCommand.self, SkillPackCommand.self]
    )
}
