import ArgumentParser
import Foundation
import MCP
import MementoCore

struct MCPCallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call one tool of an MCP server.",
        discussion: """
            Prints the tool's content as text. A result too large to show is saved
            under $MEMENTO_HOME/mcp/results and a preview is printed. Progress goes to
            stderr; Ctrl-C cancels the call. Exits 1 when the tool reports an error
            (isError), 2 on any other failure, 130 when interrupted.

            EXAMPLES
              memento mcp call time__get_current_time --args '{"timezone":"Europe/Paris"}'
              memento mcp call time__convert_time --args @args.json --json
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The tool as SERVER__TOOL (see `memento mcp tools`).")
    var tool: String

    @Option(name: .long, help: ArgumentHelp("The arguments: a JSON object, or @FILE to read one.", valueName: "json"))
    var args = "{}"

    @Option(name: .long, help: ArgumentHelp("Seconds the call may go without progress (default: the server's tool timeout).", valueName: "seconds"))
    var timeout: Double?

    @Flag(help: "Print the whole result as JSON (content, structuredContent, isError).")
    var json = false

    func run() async throws {
        guard let (serverName, toolName) = MCPTool.split(tool) else {
            throw CommandError("name the tool as SERVER__TOOL, e.g. time__get_current_time (see `memento mcp tools`)")
        }
        let arguments = try parseArguments()
        let home = homeOptions.resolvedHome
        var config = try MCPCommandSupport.server(named: serverName, in: try MCPConfigFile.load(home: home))
        if let timeout {
            guard timeout > 0 else { throw CommandError("--timeout must be positive") }
            config.toolTimeouts[toolName] = .milliseconds(Int64(timeout * 1000))
        }
        let client = MCPCommandSupport.client(config, home: home)
        let outcome: Result<ToolCallResult, any Error>
        do {
            outcome = .success(try await MCPCommandSupport.cancellingOnInterrupt {
                // The registry's name maps back to the server's own: match it by qualified name.
                let tools = try await client.listTools()
                guard let match = tools.first(where: { $0.qualifiedName == tool }) else {
                    throw MCPError(.notFound, server: serverName, "no tool '\(toolName)'; see `memento mcp tools \(serverName)`")
                }
                return try await client.callTool(match, arguments: arguments, onProgress: { update in
                    let total = update.total.map { " of \($0)" } ?? ""
                    MCPCommandSupport.printError("progress: \(update.progress)\(total)\(update.message.map { " - \($0)" } ?? "")")
                })
            })
        } catch {
            outcome = .failure(error)
        }
        await client.shutdown()
        let result: ToolCallResult
        switch outcome {
        case .success(let value): result = value
        case .failure(let error): throw error
        }
        for warning in result.warnings { MCPCommandSupport.printError("warning: \(warning)") }
        if json {
            var members = result.raw.objectValue ?? [:]
            if let path = result.spilledTo { members["memento/spilledTo"] = .string(path) }
            MCPCommandSupport.printJSON(.object(members))
        } else {
            print(result.text)
        }
        if result.isError { throw ExitStatus.checkFailed }
    }

    private func parseArguments() throws -> JSONValue {
        var text = args
        if text.hasPrefix("@") {
            let path = String(text.dropFirst())
            guard let data = FileManager.default.contents(atPath: path) else { throw CommandError("cannot read --args file \(path)") }
            text = String(decoding: data, as: UTF8.self)
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            throw CommandError("--args is not valid JSON: \(error)")
        }
        guard value.objectValue != nil else { throw CommandError("--args must be a JSON object, got \(value.typeName)") }
        return value
    }
}
