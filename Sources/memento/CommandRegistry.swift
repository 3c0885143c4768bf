import ArgumentParser

/// Every subcommand, in the order `memento --help` lists them. One command per file in Commands/.
enum CommandRegistry {
    static let all: [any ParsableCommand.Type] = [
        MCPCommand.self,
    ]
}
