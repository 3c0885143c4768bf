import Foundation
import MementoCore
import Testing
import TestSupport
@testable import PluginHost

/// The built `memento` binary; `memento runner` is the runner.
let mementoBinary = CLI.binary

func runnerClient(_ folder: String, name: String, timeout: Duration = .seconds(20), maxCrashes: Int = 3) -> RunnerClient {
    var configuration = RunnerConfiguration.nativeSkill(root: folder, executable: mementoBinary)
    configuration.callTimeout = timeout
    configuration.maxCrashes = maxCrashes
    configuration.backoffBase = .milliseconds(10)
    // Crash paths stay fast: no symbolicated backtrace in these tests (plugin-abi.md §6).
    configuration.environment["SWIFT_BACKTRACE"] = "enable=no"
    return RunnerClient(skill: name, configuration: configuration)
}

/// The RunnerError a call threw, nil if it succeeded (another error type is a test failure).
func runnerError(_ body: () throws -> Void) -> RunnerError? {
    do {
        try body()
        return nil
    } catch let error as RunnerError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

@Suite("The isolated runner", .timeLimit(.minutes(2)))
struct RunnerTests {
    @Test func handshakeAndRoundTrip() throws {
        let workspace = try PluginWorkspace()
        let client = runnerClient(try workspace.skill(named: "roundtrip"), name: "roundtrip")
        defer { client.stop() }

        let clock = ContinuousClock()
        var ready: JSONValue = .null
        let startup = try clock.measure { ready = try client.start() }
        #expect(ready["name"] == "roundtrip")
        #expect(ready["abi"] == "1.0")
        #expect(ready["protocol"] == 1)

        #expect(try client.call(tool: "echo", arguments: ["text": "hi"]) == ["input": ["arguments": ["text": "hi"], "tool": "echo"]])
        // The runner keeps each tool's encoded envelope tail: settings that change between calls
        // must still reach the plugin as they are, and so must their absence.
        for settings: JSONValue? in [["root": "/a"], ["root": "/b"], nil, ["root": "/a"]] {
            let input = try client.call(tool: "echo", arguments: [:], settings: settings)["input"]
            #expect(input == (settings.map { ["arguments": [:], "settings": $0, "tool": "echo"] } ?? ["arguments": [:], "tool": "echo"]))
        }
        let calls = 2000
        let elapsed = try clock.measure {
            for index in 0..<calls { _ = try client.call(tool: "echo", arguments: ["n": .number(JSONNumber(index))]) }
        }
        print("runner: spawn to ready \(startup); echo round trip \(elapsed / calls) (mean of \(calls))")
        #expect(elapsed / calls < .milliseconds(5))
        let stats = try client.call(tool: "stats", arguments: [:])
        #expect(stats["allocations"] == stats["releases"])
        #expect(client.starts == 1)
    }

    /// The runner splices the plugin's reply into its reply line as it is; a reply laid out
    /// over several lines must not split that line and put the stream out of step.
    @Test func aReplyOverSeveralLinesKeepsTheStreamInStep() throws {
        let workspace = try PluginWorkspace()
        let client = runnerClient(try workspace.skill(named: "pretty"), name: "pretty")
        defer { client.stop() }
        for _ in 0..<3 {
            #expect(try client.call(tool: "pretty", arguments: [:]) == ["pretty": true, "lines": [1, 2]])
            #expect(try client.call(tool: "echo", arguments: ["n": 1])["input"]?["arguments"] == ["n": 1])
        }
    }

    /// A line on the runner's stdin that is not a usable request gets a JSON-RPC error of its
    /// own, with the request's id when it has one, and the runner goes on serving.
    @Test func linesThatAreNotRequestsGetErrorsAndTheRunnerGoesOn() throws {
        let workspace = try PluginWorkspace()
        let child = try ChildProcess(executable: mementoBinary, arguments: ["runner", "--skill", try workspace.skill(named: "protocol")],
                                     environment: ["SWIFT_BACKTRACE": "enable=no"], spin: .zero, forwardStderr: false)
        defer { _ = child.kill() }
        func next() throws -> JSONValue { try JSONValue.parse(bytes: try child.channel.readLine(deadline: .now + .seconds(20))) }
        func exchange(_ line: String) throws -> JSONValue {
            try child.channel.writeLine(Array(line.utf8))
            return try next()
        }
        #expect(try next()["method"] == "ready")
        #expect(try exchange("not json") == ["id": nil, "jsonrpc": "2.0", "error": ["code": -32700, "message": "the request line is not JSON"]])
        #expect(try exchange(#"{"id":"x","method":"dance"}"#) == ["id": "x", "jsonrpc": "2.0", "error": ["code": -32601, "message": "unknown method \"dance\""]])
        #expect(try exchange(#"{"id":2,"method":"invoke"}"#)["error"]?["code"] == -32602)
        #expect(try exchange(#"{"id":3,"method":"invoke","params":[1]}"#)["error"]?["code"] == -32602)
        // The params reach the plugin as the very bytes sent, whatever their layout.
        let reply = try exchange(#"{"id":[4],"method":"invoke","params":{ "arguments" : {"n":1}, "tool":"echo" }}"#)
        #expect(reply["id"] == [4])
        #expect(reply["result"]?["input"] == ["arguments": ["n": 1], "tool": "echo"])
    }

    struct Crash: CustomTestStringConvertible, Sendable {
        let tool: String
        let expected: String
        var testDescription: String { tool }
    }

    @Test(arguments: [
        Crash(tool: "segv", expected: "killed by signal 11 (SIGSEGV)"),
        Crash(tool: "abort", expected: "killed by signal 6 (SIGABRT)"),
        Crash(tool: "exit", expected: "exited with status 0"),
    ])
    func aCrashEndsTheRunnerNotTheHost(_ crash: Crash) throws {
        let workspace = try PluginWorkspace()
        let client = runnerClient(try workspace.skill(named: "crash"), name: "crash")
        defer { client.stop() }
        let error = runnerError { _ = try client.call(tool: crash.tool, arguments: [:]) }
        guard case .crashed(_, let how, _)? = error else {
            Issue.record("expected a crash, got \(String(describing: error))")
            return
        }
        #expect(how == crash.expected)
        #expect(error?.description.contains("memento is unaffected") == true)
        // The next call restarts the runner and works.
        #expect(try client.call(tool: "echo", arguments: [:])["input"] != nil)
        #expect(client.starts == 2)
    }

    @Test func aHangHitsTheDeadlineAndIsKilled() throws {
        let workspace = try PluginWorkspace()
        let client = runnerClient(try workspace.skill(named: "hang"), name: "hang", timeout: .milliseconds(300))
        defer { client.stop() }
        _ = try client.start()
        guard case .running(let pid) = client.status else {
            Issue.record("not running")
            return
        }
        let clock = ContinuousClock()
        var error: RunnerError?
        let elapsed = clock.measure { error = runnerError { _ = try client.call(tool: "hang", arguments: [:]) } }
        #expect(error == .timedOut(skill: "hang", seconds: 0.3))
        #expect(elapsed < .seconds(3))
        // SIGKILLed and reaped: the pid is gone.
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
        #expect(try client.call(tool: "echo", arguments: [:])["input"] != nil)
    }

    @Test func stdoutSpamAndStdinReadsCannotCorruptTheProtocol() throws {
        let workspace = try PluginWorkspace()
        let client = runnerClient(try workspace.skill(named: "noisy"), name: "noisy")
        defer { client.stop() }
        // The spam looks like replies; it goes to stderr, so replies stay in step.
        #expect(try client.call(tool: "print", arguments: [:]) == ["printed": 2000])
        #expect(try client.call(tool: "echo", arguments: ["after": true])["input"]?["arguments"] == ["after": true])
        // stdin is /dev/null in the runner: the protocol stream is out of the plugin's reach.
        #expect(try client.call(tool: "stdin", arguments: [:]) == ["read": 0])
        #expect(try client.call(tool: "echo", arguments: [:])["input"] != nil)
        #expect(client.starts == 1)
    }

    @Test func repeatedCrashesDisableTheSkill() throws {
        let workspace = try PluginWorkspace()
        let client = runnerClient(try workspace.skill(named: "flaky"), name: "flaky", maxCrashes: 3)
        defer { client.stop() }
        for _ in 0..<3 {
            guard case .crashed? = runnerError({ _ = try client.call(tool: "segv", arguments: [:]) }) else {
                Issue.record("expected a crash")
                return
            }
        }
        let error = runnerError { _ = try client.call(tool: "echo", arguments: [:]) }
        #expect(error == .disabled(skill: "flaky", crashes: 3, windowSeconds: 300, last: "runner killed by signal 11 (SIGSEGV)"))
        #expect(error?.description.contains("is disabled") == true)
        guard case .disabled = client.status else {
            Issue.record("status is \(client.status)")
            return
        }
        #expect(client.starts == 3)
    }

    /// The store is asked whether a skill is disabled before each runner start, never per call:
    /// a query costs far more than a call (one per call made calls 25 times slower).
    @Test func theCrashLogIsConsultedPerStartNotPerCall() throws {
        final class CountingLog: CrashLog, @unchecked Sendable {
            let lock = NSLock()
            var asked = 0
            var recorded = 0
            func recordCrash(skill: String, version: String, what: String, window: Duration) -> Int { lock.withLock { recorded += 1; return recorded } }
            func disable(skill: String, version: String, reason: String) {}
            func disabledReason(skill: String, version: String) -> String? { lock.withLock { asked += 1 }; return nil }
        }
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "counted"
        var configuration = RunnerConfiguration.nativeSkill(root: try workspace.skill(options), executable: mementoBinary)
        let log = CountingLog()
        configuration.crashLog = log
        configuration.environment["SWIFT_BACKTRACE"] = "enable=no"
        let client = RunnerClient(skill: "counted", configuration: configuration)
        defer { client.stop() }
        for _ in 0..<50 { _ = try client.call(tool: "echo", arguments: [:]) }
        #expect(log.asked == 1)
        _ = runnerError { _ = try client.call(tool: "segv", arguments: [:]) }
        _ = try client.call(tool: "echo", arguments: [:])
        #expect(log.asked == 2, "asked again for the restart")
        #expect(log.recorded == 1)
    }

    @Test func aRefusedPluginIsReportedNotRestarted() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "refused"
        options.defines = ["BAD_MAGIC"]
        let client = runnerClient(try workspace.skill(options), name: "refused")
        let error = runnerError { _ = try client.call(tool: "echo", arguments: [:]) }
        guard case .refused(_, let message)? = error else {
            Issue.record("expected a refusal, got \(String(describing: error))")
            return
        }
        #expect(message.contains("magic"))
        _ = runnerError { _ = try client.call(tool: "echo", arguments: [:]) }
        #expect(client.starts == 1)
    }

    @Test func aPluginForAnotherToolchainRunsInARunner() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "othertoolchain"
        options.buildInfo = "swift-5.10-RELEASE x86_64-unknown-linux-gnu"
        let client = runnerClient(try workspace.skill(options), name: "othertoolchain")
        defer { client.stop() }
        #expect(try client.call(tool: "echo", arguments: [:])["input"] != nil)
    }
}
