import Foundation
import MCP
import MementoCore
import Testing

/// Our client against a Python `mcp` 2.3.0 fixture server (Fixtures/fixture_server.py).
/// Serialized: each case starts Python processes, and the machine has two cores.
@Suite("Python fixture interop", .serialized, .timeLimit(.minutes(2)))
struct FixtureInteropTests {
    @Test(arguments: Interop.eras)
    func progressAndLogging(era: EraPin) async throws {
        let logs = Recorder<ServerLogMessage>()
        let updates = Recorder<ProgressUpdate>()
        var config = try Interop.fixture(era: era)
        // 6 steps of 0.2 s under a 0.5 s timeout: only progress keeps the call alive.
        config.toolTimeouts["progress"] = .milliseconds(500)
        let features = ClientFeatures(onLog: { logs.append($0) })
        try await Interop.withClient(config, features: features) { client in
            let result = try await client.callTool("progress", arguments: ["steps": 6, "delay": 0.2], onProgress: { updates.append($0) })
            #expect(result.text == "done after 6 steps")
        }
        #expect(updates.all.map(\.progress) == [1, 2, 3, 4, 5, 6])
        #expect(updates.all.last?.message == "step 6/6")
        #expect(logs.all.contains { $0.data == "step 0" && $0.level == "info" })
    }

    @Test(arguments: Interop.eras)
    func timeoutCancelsAndTheServerStaysUsable(era: EraPin) async throws {
        var config = try Interop.fixture(era: era)
        config.toolTimeouts["sleep"] = .milliseconds(500)
        try await Interop.withClient(config) { client in
            _ = try await client.listTools()
            let start = ContinuousClock.now
            await #expect {
                _ = try await client.callTool("sleep", arguments: ["seconds": 30])
            } throws: { error in
                (error as? MCPError)?.kind == .timedOut
            }
            #expect(ContinuousClock.now - start < .seconds(2))
            // Same process, still answering: the cancel was understood and nothing leaked.
            let pid = await client.processID
            let echoed = try await client.callTool("echo", arguments: ["text": "still here"])
            #expect(echoed.text == "still here")
            #expect(await client.processID == pid)
        }
    }

    @Test(arguments: Interop.eras)
    func userCancellation(era: EraPin) async throws {
        try await Interop.withClient(try Interop.fixture(era: era)) { client in
            try await client.start()
            let call = Task { try await client.callTool("sleep", arguments: ["seconds": 30]) }
            try await Task.sleep(for: .milliseconds(300))
            call.cancel()
            let outcome = await call.result
            #expect(throws: MCPError.self) { try outcome.get() }
            let echoed = try await client.callTool("echo", arguments: ["text": "ok"])
            #expect(echoed.text == "ok")
        }
    }

    @Test(arguments: Interop.eras)
    func crashMidCallFailsFastAndTheNextCallRestarts(era: EraPin) async throws {
        try await Interop.withClient(try Interop.fixture(era: era)) { client in
            try await client.start()
            let firstPID = await client.processID
            let start = ContinuousClock.now
            await #expect {
                _ = try await client.callTool("crash", arguments: ["code": 3])
            } throws: { error in
                guard let error = error as? MCPError else { return false }
                return error.kind == .connectionClosed && error.message.contains("exited with status 3")
                    && error.stderrTail.contains("about to crash on purpose")
            }
            #expect(ContinuousClock.now - start < .seconds(1))
            #expect(await client.status == .stopped)
            let echoed = try await client.callTool("echo", arguments: ["text": "back"])
            #expect(echoed.text == "back")
            #expect(await client.processID != firstPID)
        }
    }

    @Test func crashLoopSuspendsTheServer() async throws {
        try await Interop.withClient(try Interop.fixture(["--crash-on-start"], era: .legacy)) { client in
            for _ in 0..<MCPClient.crashLimit {
                _ = try? await client.start()
            }
            guard case .suspended(let reason) = await client.status else {
                Issue.record("expected a suspension, got \(await client.status)")
                return
            }
            #expect(reason.contains("crashed \(MCPClient.crashLimit) times"))
            await #expect {
                _ = try await client.callTool("echo", arguments: ["text": "x"])
            } throws: { error in
                (error as? MCPError)?.kind == .suspended && (error as? MCPError)?.stderrTail.contains("refusing to start") == true
            }
            // After resume() it is tried again (and fails for its own reason, not suspension).
            await client.resume()
            await #expect {
                _ = try await client.start()
            } throws: { error in
                (error as? MCPError)?.kind == .connectionClosed && (error as? MCPError)?.message.contains("exited with status 2") == true
            }
        }
    }

    @Test(arguments: Interop.eras)
    func largeResults(era: EraPin) async throws {
        let spillDirectory = NSTemporaryDirectory() + "memento-mcp-spill-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: spillDirectory) }
        // 16 MiB of text plus the envelope exceeds the default 16 MiB cap, so allow 32 MiB here.
        var config = try Interop.fixture(era: era)
        config.maxMessageBytes = 32 << 20
        try await Interop.withClient(config, spill: SpillPolicy(directory: spillDirectory)) { client in
            let one = try await client.callTool("big", arguments: ["size": .number(JSONNumber(1 << 20))])
            #expect(one.spilledTo != nil)
            let start = ContinuousClock.now
            let sixteen = try await client.callTool("big", arguments: ["size": .number(JSONNumber(16 << 20))])
            print("16 MiB tool result (\(era)): \(ContinuousClock.now - start)")
            #expect(sixteen.content.first?["text"]?.stringValue?.utf8.count == 16 << 20)
            let spilled = try #require(sixteen.spilledTo)
            #expect((try FileManager.default.attributesOfItem(atPath: spilled)[.size] as? Int ?? 0) > 16 << 20)
            #expect(sixteen.text.contains("[truncated: \(16 << 20) bytes in all"))
        }
    }

    @Test func resultOverTheLineCapFailsFastAndResyncs() async throws {
        var config = try Interop.fixture(era: .legacy)
        config.maxMessageBytes = 1 << 20
        try await Interop.withClient(config) { client in
            let start = ContinuousClock.now
            await #expect {
                _ = try await client.callTool("big", arguments: ["size": .number(JSONNumber(2 << 20))])
            } throws: { error in
                guard let error = error as? MCPError else { return false }
                return error.kind == .protocolViolation && error.message.contains("over the 1048576-byte message limit")
            }
            #expect(ContinuousClock.now - start < .seconds(5))
            let echoed = try await client.callTool("echo", arguments: ["text": "next"])
            #expect(echoed.text == "next")
        }
    }

    @Test(arguments: Interop.eras)
    func junkOnStdoutIsSkipped(era: EraPin) async throws {
        try await Interop.withClient(try Interop.fixture(["--banner"], era: era)) { client in
            let afterJunk = try await client.callTool("junk", arguments: [:])
            #expect(afterJunk.text == "after junk")
            let echoed = try await client.callTool("echo", arguments: ["text": "clean"])
            #expect(echoed.text == "clean")
        }
    }

    @Test(arguments: Interop.eras)
    func slowStartIsWaitedFor(era: EraPin) async throws {
        try await Interop.withClient(try Interop.fixture(["--slow-start", "1.5"], era: era)) { client in
            let echoed = try await client.callTool("echo", arguments: ["text": "late"])
            #expect(echoed.text == "late")
        }
    }

    @Test(arguments: Interop.eras)
    func hungServerTimesOut(era: EraPin) async throws {
        var config = try Interop.fixture(["--hang"], era: era)
        config.requestTimeout = .seconds(1)
        let start = ContinuousClock.now
        try await Interop.withClient(config) { client in
            await #expect {
                _ = try await client.start()
            } throws: { error in
                (error as? MCPError)?.kind == .timedOut
            }
        }
        // auto: 1 s probe, then 1 s initialize; the pinned modes wait once.
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func autoFallsBackToLegacyOnAnError() async throws {
        try await Interop.withClient(try Interop.fixture(["--legacy-only"])) { client in
            let era = try await client.start()
            #expect(era == .legacy(version: "2025-06-18"))
            // Two pages, followed to the end.
            let tools = try await client.listTools()
            #expect(tools.map(\.name) == ["echo", "echo2"])
            let echoed = try await client.callTool("echo", arguments: ["text": "old"])
            #expect(echoed.text == "old")
        }
    }

    @Test func autoFallsBackToLegacyOnSilence() async throws {
        var config = try Interop.fixture(["--silent-probe"])
        config.requestTimeout = .seconds(2)
        try await Interop.withClient(config) { client in
            let era = try await client.start()
            #expect(era == .legacy(version: "2025-06-18"))
        }
    }

    @Test func legacyElicitationIsAnsweredOrDeclined() async throws {
        let config = try Interop.fixture(era: .legacy)
        try await Interop.withClient(config, features: ClientFeatures(elicitor: FixedElicitor(name: "Ada"))) { client in
            let answered = try await client.callTool("ask_name", arguments: [:])
            #expect(answered.text == "hello Ada")
        }
        try await Interop.withClient(config) { client in
            let declined = try await client.callTool("ask_name", arguments: [:])
            #expect(declined.isError || declined.text.contains("decline"))
        }
    }

    @Test func modernInputRequiredLoop() async throws {
        let config = try Interop.fixture(era: .modern(ProtocolVersion.latestModern))
        try await Interop.withClient(config, features: ClientFeatures(elicitor: FixedElicitor(name: "Ada"))) { client in
            let answered = try await client.callTool("ask_name_modern", arguments: [:])
            #expect(answered.text == "hello Ada (state round-1)")
        }
    }

    @Test(arguments: Interop.eras)
    func outputSchemaIsValidatedOnSuccessOnly(era: EraPin) async throws {
        try await Interop.withClient(try Interop.fixture(era: era)) { client in
            let good = try await client.callTool("point", arguments: [:])
            #expect(good.structuredContent == ["x": 1, "y": 2])
            #expect(good.warnings.isEmpty)
            // The server breaks its own schema: warn and fall back to the text content.
            let bad = try await client.callTool("point", arguments: ["bad": true])
            #expect(bad.structuredContent == nil)
            #expect(bad.warnings.first?.contains("$.x: expected integer, found string") == true)
            #expect(bad.text.contains("not a number"))
        }
    }

    @Test(arguments: Interop.eras)
    func toolListChangesAreHonoured(era: EraPin) async throws {
        try await Interop.withClient(try Interop.fixture(era: era)) { client in
            let before = try await client.listTools().map(\.name)
            #expect(!before.contains("extra"))
            _ = try await client.callTool("grow", arguments: [:])
            // Legacy: list_changed on the connection drops the cache. Modern: the list is cached
            // for its 10-minute ttlMs, so only list_changed on our subscriptions/listen stream
            // can drop it. Either way the new tool shows up without a restart.
            var after: [String] = []
            for _ in 0..<50 {
                after = try await client.listTools().map(\.name)
                if after.contains("extra") { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(after.contains("extra"))
            let extra = try await client.callTool("extra", arguments: [:])
            #expect(extra.text == "extra")
        }
    }
}

extension FixtureInteropTests {
    @Test func pinnedModernAgainstALegacyServerSaysWhatToDo() async throws {
        try await Interop.withClient(try Interop.fixture(["--legacy-only"], era: .modern(ProtocolVersion.latestModern))) { client in
            await #expect {
                _ = try await client.start()
            } throws: { error in
                (error as? MCPError)?.message.contains("set \"era\" to \"auto\" or \"legacy\"") == true
            }
        }
    }
}

extension FixtureInteropTests {
    @Test func legacyRootsAndSampling() async throws {
        let features = ClientFeatures(roots: [MCPRoot.directory("/tmp/a b")])
        try await Interop.withClient(try Interop.fixture(era: .legacy), features: features) { client in
            let roots = try await client.callTool("roots", arguments: [:])
            #expect(roots.text == "file:///tmp/a%20b")
            let sampled = try await client.callTool("sample", arguments: [:])
            #expect(sampled.text.contains("sampling refused: Sampling is declined: memento has no LLM configured"))
        }
    }
}

extension FixtureInteropTests {
    @Test func stderrIsDrainedAndOnlyItsTailIsKept() async throws {
        try await Interop.withClient(try Interop.fixture(era: .legacy)) { client in
            let quiet = try await client.callTool("noisy", arguments: ["kib": 2048])
            #expect(quiet.text == "quiet now")
            await #expect {
                _ = try await client.callTool("crash", arguments: ["code": 5])
            } throws: { error in
                guard let error = error as? MCPError else { return false }
                return error.stderrTail.utf8.count <= StderrTail.defaultCapacity
                    && error.stderrTail.hasPrefix("noise") && error.stderrTail.contains("about to crash on purpose")
            }
        }
    }
}
