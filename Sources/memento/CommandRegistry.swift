import ArgumentParser

/// Every subcommand, in the order `memento --help` lists them. One command per file in Commands/.
enum CommandRegistry {
    static let all: [any ParsableCommand.Type] = [
        InstallCommand.self,
        UninstallCommand.self,
        RollbackCommand.self,
        ListCommand.self,
        InfoCommand.self,
        LockCommand.self,
        GCCommand.self,
        DoctorCommand.self,
        ToolsCommand.self,
        CallCommand.self,
        SkillCommand.self,
        RunnerCommand.self,
    ]
}
