import Dispatch
import MCP
import MementoCore
import Synchronization

/// The registry's synchronous view of one MCP server: a script skill's process or an external
/// server the user configured. The client restarts a dead server on the next call and suspends
/// it in a crash loop; calls wait here on a semaphore, off the cooperative pool.
final class MCPBackend: Sendable {
    let client: MCPClient
    let server: String

    init(client: MCPClient, server: String) {
        self.client = client
        self.server = server
    }

    /// The server's tools, starting it if needed.
    func tools() throws(ToolCallError) -> [MCPTool] {
        try wait { client in try await client.listTools() }
    }

    /// Calls the server's own tool `name`. A result with `isError` is a tool error, as a native
    /// skill's error reply is; a failure to reach the server is a `ToolCallError`.
    func call(tool name: String, arguments: JSONValue) throws(ToolCallError) -> ToolResult {
        MCPBackend.reply(try wait { client in try await client.callTool(name, arguments: arguments) })
    }

    /// The same for a tool already listed (an external server's), which is not listed again.
    func call(_ tool: MCPTool, arguments: JSONValue) throws(ToolCallError) -> ToolResult {
        MCPBackend.reply(try wait { client in try await client.callTool(tool, arguments: arguments) })
    }

    private static func reply(_ result: ToolCallResult) -> ToolResult {
        if result.isError { return .failure(code: "tool_error", message: result.text) }
        var output: [String: JSONValue] = ["content": .array(result.content)]
        output["structuredContent"] = result.structuredContent
        if !result.warnings.isEmpty { output["warnings"] = .array(result.warnings.map(JSONValue.string)) }
        if let spilled = result.spilledTo { output["spilledTo"] = .string(spilled) }
        return ToolResult(output: .object(output))
    }

    func shutdown() {
        _ = try? wait { client in await client.shutdown() }
    }

    private func wait<T: Sendable>(_ body: @escaping @Sendable (MCPClient) async throws -> T) throws(ToolCallError) -> T {
        let outcome = Mutex<Result<T, MCPError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let client = client, server = server
        Task(executorPreference: InlineExecutor.shared) {
            let result: Result<T, MCPError>
            do {
                result = .success(try await body(client))
            } catch let error as MCPError {
                result = .failure(error)
            } catch {
                result = .failure(MCPError(.protocolViolation, server: server, "\(error)"))
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        switch outcome.withLock({ $0 }) {
        case .success(let value)?: return value
        case .failure(let error)?: throw .mcp(error)
        case nil: throw .mcp(MCPError(.protocolViolation, server: server, "the call ended without a result"))
        }
    }
}

/// Runs each job at once on the thread that enqueues it. The calling thread blocks on the
/// outcome anyway, so there is no pool thread to hand the work to: the call runs on the
/// caller's thread up to the request, and the rest runs on the reader thread that resumes it,
/// which saves two thread wake-ups a call.
final class InlineExecutor: TaskExecutor {
    static let shared = InlineExecutor()

    func enqueue(_ job: consuming ExecutorJob) {
        job.runSynchronously(on: asUnownedTaskExecutor())
    }
}
