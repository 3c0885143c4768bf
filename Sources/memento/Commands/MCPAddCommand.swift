import ArgumentParser
import MCP
import MementoCore

struct MCPAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add (or with --force replace) a stdio MCP server in mcp.json.",
        discussion: """
            Everything after -- is the command and its arguments, run directly (no
            shell). The server gets HOME, LOGNAME, PATH, SHELL, TERM, USER, LANG, LC_ALL
            and TMPDIR from memento's environment plus each --env; ${VAR} in a value is
            replaced from memento's environment, so --env 'PATH=${PATH}:/opt/bin'
            extends PATH.

            EXAMPLES
              memento mcp add time -- uvx mcp-server-time --local-timezone UTC
              memento mcp add github --env 'GITHUB_TOKEN=${GITHUB_TOKEN}' -- npx -y @modelcontextprotocol/server-github
              memento mcp add slow --tool-timeout 600 --era legacy -- ./server.py
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "Server name: letters, digits, '.', '_' and '-', without '__'.")
    var name: String

    @Option(name: .long, help: ArgumentHelp("An environment variable for the server (repeatable).", valueName: "K=V"))
    var env: [String] = []

    @Option(name: .long, help: ArgumentHelp("The server's working directory.", valueName: "dir"))
    var cwd: String?

    @Option(name: .long, help: "Protocol era: auto (probe, then fall back), legacy, or a modern version such as 2026-07-28.")
    var era = "auto"

    @Option(name: .long, help: ArgumentHelp("Seconds a request may take (default 30).", valueName: "seconds"))
    var timeout: Double?

    @Option(name: .customLong("tool-timeout"), help: ArgumentHelp("Seconds a tool call may go without progress (default 120).", valueName: "seconds"))
    var toolTimeout: Double?

    @Flag(help: "Replace an existing server of that name.")
    var force = false

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func run() async throws {
        guard let executable = command.first else {
            throw CommandError("give the server's command after --, e.g. memento mcp add \(name) -- uvx mcp-server-time")
        }
        guard let pin = EraPin(era) else {
            throw CommandError("--era must be auto, legacy or one of \(ProtocolVersion.modern.joined(separator: ", "))")
        }
        var entry: [String: JSONValue] = ["command": .string(executable), "args": .array(command.dropFirst().map(JSONValue.string))]
        var environment: [String: JSONValue] = [:]
        for pair in env {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw CommandError("--env expects K=V, got '\(pair)'")
            }
            environment[String(pair[..<equals])] = .string(String(pair[pair.index(after: equals)...]))
        }
        if !environment.isEmpty { entry["env"] = .object(environment) }
        if let cwd { entry["cwd"] = .string(cwd) }
        if pin != .auto { entry["era"] = .string(pin.description) }
        if let timeout { entry["requestTimeoutSeconds"] = JSONNumber(timeout).map(JSONValue.number) }
        if let toolTimeout { entry["toolTimeoutSeconds"] = JSONNumber(toolTimeout).map(JSONValue.number) }
        let config = try MCPServerConfig(name: name, json: .object(entry))

        var file = try MCPConfigFile.load(home: homeOptions.resolvedHome)
        if file.servers[name] != nil && !force {
            throw CommandError("a server named '\(name)' exists in \(file.path); use --force to replace it or `memento mcp remove \(name)`")
        }
        file.set(config)
        try file.save()
        print("added \(name): \(command.joined(separator: " "))")
    }
}
