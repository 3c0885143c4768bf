import Foundation
import MCP
import MementoCore
import Testing
import TestSupport

/// The `memento` binary as a host that can be killed: its servers must not outlive it.
@Suite("Host death and interrupts", .serialized, .timeLimit(.minutes(3)))
struct HostDeathTests {
    /// Starts `memento mcp call fixture__sleep` against a fresh home and returns it once its
    /// server is running, with the server's pid.
    private func startSleepingCall() async throws -> (Process, pid_t, String) {
        let home = NSTemporaryDirectory() + "memento-host-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var file = try MCPConfigFile.load(home: home)
        file.set(try Interop.fixture(era: .legacy))
        try file.save()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Interop.mementoBinary())
        process.arguments = ["mcp", "call", "fixture__sleep", "--args", #"{"seconds":60}"#, "--home", home]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for the server process, then long enough for it to import the SDK and take the
        // call, so the host dies or is interrupted mid-call.
        // Generous: on two cores running the whole suite, starting memento and forking the server
        // once took over 20 s; this bound only catches a host that never starts one.
        let deadline = Date().addingTimeInterval(90)
        var server: pid_t?
        while server == nil && Date() < deadline {
            server = ProcessTable.children(of: process.processIdentifier).first
            try await Task.sleep(for: .milliseconds(50))
        }
        let child = try #require(server, "memento started no server")
        try await Task.sleep(for: .seconds(4))
        return (process, child, home)
    }

    @Test func killedHostTakesItsServersAlong() async throws {
        let (host, server, home) = try await startSleepingCall()
        defer { try? FileManager.default.removeItem(atPath: home) }
        #expect(ProcessTable.isRunning(server))
        kill(host.processIdentifier, SIGKILL)
        try await Self.waitForExit(host)
        // PR_SET_PDEATHSIG: the kernel kills the server with the host, at once.
        let deadline = Date().addingTimeInterval(2)
        while ProcessTable.isRunning(server) && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!ProcessTable.isRunning(server), "server \(server) survived its host")
    }

    @Test func interruptCancelsTheCallAndStopsTheServer() async throws {
        let (host, server, home) = try await startSleepingCall()
        defer { try? FileManager.default.removeItem(atPath: home) }
        kill(host.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(10)
        while host.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if host.isRunning { kill(host.processIdentifier, SIGKILL) }
        try await Self.waitForExit(host)
        #expect(host.terminationStatus == 130)
        #expect(!ProcessTable.isRunning(server))
    }

    private static func waitForExit(_ process: Process) async throws {
        while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
    }
}
