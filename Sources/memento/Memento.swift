import ArgumentParser
import Foundation
import MementoCore

/// The `memento` command: a skill host for AI agents.
struct Memento: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memento",
        abstract: "Install, audit, run and serve skills for AI agents.",
        discussion: """
            Skills live in a versioned, content-addressed store under $MEMENTO_HOME (default ~/.memento).

            EXIT CODES
              0  success (for verify: pass or warn)
              1  a check said no: verify blocked, doctor found problems, a frozen install drifted
              2  an error: bad arguments, bad input, I/O; the message says what to do
            130  interrupted

            EXAMPLES
              memento install ./csv-stats          install a skill folder
              memento install csv-stats-1.0.0.skill
              memento list --json
              memento rollback csv-stats
            """,
        version: MementoVersion.current,
        subcommands: CommandRegistry.all
    )
}

/// Options every store-touching command takes.
struct HomeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The Memento home (default: $MEMENTO_HOME, else ~/.memento).", valueName: "dir"))
    var home: String?

    var resolvedHome: String {
        MementoHome.resolve(explicit: home)
    }
}

/// Exit codes, as `memento --help` documents them.
enum ExitStatus {
    static let checkFailed = ExitCode(1)
    static let error = ExitCode(2)
    static let interrupted = ExitCode(130)
}

@main
enum Main {
    static func main() async {
        do {
            var command = try Memento.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            finish(0)
        } catch let error as LocalizedUserError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            finish(ExitStatus.error.rawValue)
        } catch {
            let code = Memento.exitCode(for: error)
            guard code.rawValue == 64 else {
                CrashInjection.recordCount()
                Memento.exit(withError: error)
            }
            // ArgumentParser's usage errors exit 64; memento documents 2 for every error.
            FileHandle.standardError.write(Data((Memento.fullMessage(for: error) + "\n").utf8))
            finish(ExitStatus.error.rawValue)
        }
    }

    static func finish(_ code: Int32) -> Never {
        CrashInjection.recordCount()
        exit(code)
    }
}

/// An error whose description is already the one line a user should read.
protocol LocalizedUserError: Error, CustomStringConvertible {}

/// A command-level failure with its own message.
struct CommandError: LocalizedUserError {
    let description: String
    init(_ description: String) { self.description = description }
}
