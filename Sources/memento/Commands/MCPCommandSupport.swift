import Foundation
import MCP
import MementoCore
import Synchronization

extension MCPError: LocalizedUserError {}

/// Shared plumbing of the `memento mcp` subcommands.
enum MCPCommandSupport {
    /// What servers may ask of a one-shot CLI: the working directory as root; elicitation at
    /// the terminal only when a person is there to answer; logs to stderr.
    static func features() -> ClientFeatures {
        let interactive = isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1
        return ClientFeatures(
            roots: [MCPRoot.directory(FileManager.default.currentDirectoryPath)],
            elicitor: interactive ? TerminalElicitor() : nil,
            logLevel: "warning",
            onLog: { message in
                let text = message.data.stringValue ?? message.data.encoded()
                printError("[\(message.server)] \(message.level): \(text)")
            })
    }

    static func client(_ config: MCPServerConfig, home: String) -> MCPClient {
        MCPClient(config: config, features: features(), spill: SpillPolicy(directory: home + "/mcp/results"))
    }

    static func server(named name: String, in file: MCPConfigFile) throws(MCPError) -> MCPServerConfig {
        guard let config = file.servers[name] else {
            let known = file.servers.keys.sorted().joined(separator: ", ")
            throw MCPError(.notFound, server: name, "not configured in \(file.path)" + (known.isEmpty ? "; add it with `memento mcp add`" : "; configured: \(known)"))
        }
        return config
    }

    static func printJSON(_ value: JSONValue) {
        print(value.encoded(.pretty))
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func firstLine(_ text: String?) -> String {
        text?.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    }

    /// Runs `body`, cancelling it on Ctrl-C: a call in flight gets `notifications/cancelled`,
    /// and whatever `body` returned or threw, an interrupted run throws exit status 130.
    static func cancellingOnInterrupt<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        let interrupted = InterruptFlag()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT)
        source.setEventHandler {
            interrupted.set()
            task.cancel()
        }
        source.resume()
        defer {
            source.cancel()
            signal(SIGINT, SIG_DFL)
        }
        let outcome = await task.result
        if interrupted.isSet { throw ExitStatus.interrupted }
        return try outcome.get()
    }
}

/// Set from the SIGINT handler, read once the interrupted work has unwound.
final class InterruptFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
