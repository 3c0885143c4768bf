import ArgumentParser
import Foundation
import PluginHost

/// `memento runner`: the host re-executed to run one native skill in isolation. Not for people;
/// memento starts it and speaks JSON-RPC with it on stdin/stdout.
struct RunnerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runner",
        abstract: "Serve one native skill over line-delimited JSON-RPC (started by memento itself).",
        shouldDisplay: false
    )

    @Option(name: .customLong("skill"), help: ArgumentHelp("The skill folder holding skill.json and the library.", valueName: "dir"))
    var skillRoot: String

    func run() throws {
        Main.finish(RunnerServer.run(skillRoot: skillRoot))
    }
}
