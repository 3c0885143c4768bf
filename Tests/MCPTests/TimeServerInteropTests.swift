import MCP
import MementoCore
import Testing

/// Our client against the real `mcp-server-time` from PyPI, in every era mode.
@Suite("mcp-server-time interop", .serialized, .timeLimit(.minutes(2)))
struct TimeServerInteropTests {
    @Test(arguments: Interop.eras)
    func listsAndCallsTools(era: EraPin) async throws {
        try await Interop.withClient(try Interop.timeServer(era: era)) { client in
            let negotiated = try await client.start()
            switch era {
            case .legacy: #expect(negotiated == .legacy(version: "2025-11-25"))
            case .auto, .modern: #expect(negotiated == .modern(version: "2026-07-28"))
            }
            let tools = try await client.listTools()
            #expect(Set(tools.map(\.qualifiedName)) == ["time__get_current_time", "time__convert_time"])
            #expect(tools.allSatisfy { $0.outputSchema != nil && $0.annotations?["readOnlyHint"] == true })

            // The outputSchema uses local $ref/$defs: a valid result passes without warnings.
            let now = try await client.callTool("get_current_time", arguments: ["timezone": "UTC"])
            #expect(!now.isError)
            #expect(now.warnings.isEmpty)
            #expect(now.structuredContent?["timezone"] == "UTC")

            let bad = try await client.callTool("get_current_time", arguments: ["timezone": "Mars/Olympus"])
            #expect(bad.isError)
            #expect(bad.text.contains("Invalid timezone"))

            await #expect {
                _ = try await client.callTool("no_such_tool", arguments: nil)
            } throws: { error in
                (error as? MCPError)?.kind == .notFound
            }
        }
    }
}
