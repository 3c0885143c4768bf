import ArgumentParser

/// Every subcommand, in the order `memento --help` lists them. One command per file in Commands/.
enum CommandRegistry {
    static let all: [any ParsableCommand.Type] = [
        SearchCommand.self,
        InstallCommand.self,
        UpdateCommand.self,
        OutdatedCommand.self,
        PinCommand.self,
        UnpinCommand.self,
        UninstallCommand.self,
        RollbackCommand.self,
        ListCommand.self,
        InfoCommand.self,
        VerifyCommand.self,
        LockCommand.self,
        GCCommand.self,
        DoctorCommand.self,
        MarketCommand.self,
        MCPCommand.self,
        ToolsCommand.self,
        CallCommand.self,
        EnableCommand.self,
        ServeCommand.self,
        SkillCommand.self,
        RunnerCommand.self,
    ]
}
