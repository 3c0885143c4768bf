import ArgumentParser
import Foundation
import MCP
import MementoCore
import PluginHost

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the installed skills to any MCP client, over stdio.",
        discussion: """
            Every callable tool is offered as SKILL.TOOL (arguments validated against its schema,
            failures as isError results, a progress heartbeat while it runs, cancellation stops
            its process); instruction skills are prompts, and each skill's SKILL.md and references
            are resources (skill://NAME/PATH). Both protocol eras are served: the legacy
            initialize handshake and the stateless 2026-07-28 protocol. Native skills run in
            runners, so nothing a skill prints reaches the protocol stream; logs go to stderr.

            EXAMPLES
              memento serve
              {"mcpServers": {"memento": {"command": "memento", "args": ["serve"]}}}   (in a client's config)
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(help: ArgumentHelp("Seconds a tool may run before its runner is killed.", valueName: "seconds"))
    var timeout: Double = 300

    func validate() throws {
        guard timeout > 0, timeout <= 86_400 else { throw ValidationError("--timeout must be between 0 and 86400 seconds") }
    }

    func run() throws {
        // The protocol owns the real stdout; anything else that writes to fd 1 from now on
        // (a library, a stray print) lands on stderr instead of corrupting a message.
        let protocolOutput = dup(STDOUT_FILENO)
        guard protocolOutput >= 0, dup2(STDERR_FILENO, STDOUT_FILENO) >= 0 else { throw CommandError("cannot set up stdout for the protocol: \(String(cString: strerror(errno)))") }
        let seconds = timeout
        var policy = ExecutionPolicy { configuration in configuration.callTimeout = .milliseconds(Int64(seconds * 1000)) }
        // A served client cannot answer a terminal prompt: the server declines elicitation.
        policy.mcpFeatures = ClientFeatures(logLevel: nil)
        let registry = try homeOptions.toolRegistry(policy: policy)
        defer { registry.shutdown() }
        let skills = registry.skills.count
        Terminal.note("memento serve: \(skills) skill\(skills == 1 ? "" : "s"), \(registry.tools.count) tools, on stdio")
        MCPServer(library: ServedLibrary(registry: registry), name: "memento", version: Memento.configuration.version,
                  instructions: "Tools are named SKILL.TOOL. Prompts are instruction skills; read skill://NAME/SKILL.md for a skill's instructions.")
            .run(input: STDIN_FILENO, output: protocolOutput)
    }
}
