import Foundation
import MCP
import MementoCore
import Synchronization
import Testing

private func makePeer(_ policy: JSONRPCPeer.InvalidLinePolicy, output: CapturingOutput) -> JSONRPCPeer {
    JSONRPCPeer(
        label: "test", output: output, invalidLines: policy,
        requestHandler: { method, _ throws(JSONRPCError) in
            guard method == "echo" else { throw JSONRPCError(code: JSONRPCError.methodNotFound, message: "Method not found") }
            return ["ok": true]
        },
        notificationHandler: { _, _ in })
}

/// Polls until `condition` holds; peers answer on their own tasks.
private func eventually(_ condition: () -> Bool) async {
    for _ in 0..<200 where !condition() { try? await Task.sleep(for: .milliseconds(5)) }
}

@Suite("JSON-RPC peer")
struct JSONRPCPeerTests {
    @Test func garbageLineGetsParseErrorWithNullID() {
        let output = CapturingOutput()
        makePeer(.reply, output: output).receive(text: "this is not json")
        #expect(output.sent.count == 1)
        #expect(output.sent.first?["id"] == .null)
        #expect(output.sent.first?["error"]?["code"] == -32700)
    }

    @Test func batchIsRefused() {
        let output = CapturingOutput()
        makePeer(.reply, output: output).receive(text: #"[{"jsonrpc":"2.0","id":1,"method":"echo"}]"#)
        #expect(output.sent.count == 1)
        #expect(output.sent.first?["id"] == .null)
        #expect(output.sent.first?["error"]?["code"] == -32600)
    }

    @Test func clientPolicySkipsJunkSilently() {
        let output = CapturingOutput()
        makePeer(.skip, output: output).receive(text: "Starting server v1.2 …")
        #expect(output.sent.isEmpty)
    }

    @Test func requestIsAnsweredWithTheSameIDType() async {
        let output = CapturingOutput()
        let peer = makePeer(.reply, output: output)
        peer.receive(text: #"{"jsonrpc":"2.0","id":"1","method":"echo"}"#)
        peer.receive(text: #"{"jsonrpc":"2.0","id":1,"method":"echo"}"#)
        await eventually { output.sent.count == 2 }
        #expect(Set(output.sent.compactMap { $0["id"] }) == [.string("1"), 1])
    }

    @Test func nullIDRequestIsInvalid() {
        let output = CapturingOutput()
        makePeer(.reply, output: output).receive(text: #"{"jsonrpc":"2.0","id":null,"method":"echo"}"#)
        #expect(output.sent.first?["error"]?["code"] == -32600)
    }

    @Test func responseIDsMatchExactly() async throws {
        let output = CapturingOutput()
        let peer = makePeer(.skip, output: output)
        async let answer = peer.request("echo", params: nil, options: RequestOptions(timeout: .seconds(5)))
        await eventually { !output.sent.isEmpty }
        #expect(output.sent.first?["id"] == 1)
        // "1" is not 1 and 1.0 is not 1: both are ignored as unknown ids.
        peer.receive(text: #"{"jsonrpc":"2.0","id":"1","result":{"wrong":true}}"#)
        peer.receive(text: #"{"jsonrpc":"2.0","id":1.0,"result":{"wrong":true}}"#)
        peer.receive(text: #"{"jsonrpc":"2.0","id":1,"result":{"big":123456789012345678901234567890,"f":1.0}}"#)
        let result = try await answer
        // Values stay faithful: the big integer and the float literal survive.
        #expect(result.encoded() == #"{"big":123456789012345678901234567890,"f":1.0}"#)
    }

    @Test func timeoutCancelsAndIgnoresTheLateAnswer() async {
        let output = CapturingOutput()
        let peer = makePeer(.skip, output: output)
        await #expect {
            _ = try await peer.request("slow", params: nil, options: RequestOptions(timeout: .milliseconds(100)))
        } throws: { error in
            (error as? MCPError)?.kind == .timedOut
        }
        #expect(output.sent.last?["method"] == "notifications/cancelled")
        #expect(output.sent.last?["params"]?["requestId"] == 1)
        peer.receive(text: #"{"jsonrpc":"2.0","id":1,"result":{}}"#)  // late: ignored, no crash
    }

    /// One thread keeps every deadline of a peer: a short request sent after a long one must
    /// still wake it early, and the long one must survive that wake-up.
    @Test func aShortDeadlineBehindALongOneStillExpiresOnTime() async throws {
        let output = CapturingOutput()
        let peer = makePeer(.skip, output: output)
        let long = Task { try await peer.request("long", params: nil, options: RequestOptions(timeout: .seconds(30))) }
        await eventually { output.sent.count == 1 }
        let start = ContinuousClock.now
        await #expect {
            _ = try await peer.request("short", params: nil, options: RequestOptions(timeout: .milliseconds(200)))
        } throws: { error in
            (error as? MCPError)?.kind == .timedOut
        }
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(200) && waited < .seconds(10), "the short request failed after \(waited)")
        peer.receive(text: #"{"jsonrpc":"2.0","id":1,"result":{"long":true}}"#)
        #expect(try await long.value == ["long": true])
    }

    /// The server side is played by a plain thread, so its timing does not depend on the
    /// cooperative pool, which other suites may keep busy.
    @Test func progressExtendsTheDeadlineUpToTheCap() async throws {
        let output = CapturingOutput()
        let peer = makePeer(.skip, output: output)
        let options = RequestOptions(timeout: .seconds(2), maxTotal: .seconds(10), trackProgress: true)
        Thread.detachNewThread {
            // Waits on this thread for the request to go out, then plays the slow server.
            while output.sent.isEmpty { Thread.sleep(forTimeInterval: 0.001) }
            let token = output.sent.first?["params"]?["_meta"]?["progressToken"] ?? .null
            for step in 1...2 {
                Thread.sleep(forTimeInterval: 1.2)
                peer.receive(text: #"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":\#(token.encoded()),"progress":\#(step)}}"#)
            }
            Thread.sleep(forTimeInterval: 0.6)
            peer.receive(text: #"{"jsonrpc":"2.0","id":1,"result":{"done":true}}"#)
        }
        let start = ContinuousClock.now
        let result = try await peer.request("work", params: ["x": 1], options: options)
        #expect(result == ["done": true])
        #expect(output.sent.first?["params"]?["x"] == 1)
        // 3 s of work under a 2 s timeout: only progress kept it alive.
        #expect(ContinuousClock.now - start >= .seconds(3))

        let capped = RequestOptions(timeout: .milliseconds(500), maxTotal: .seconds(1), trackProgress: true)
        let cappedStart = ContinuousClock.now
        let never = Task { try await peer.request("work", params: nil, options: capped) }
        await eventually { output.sent.count >= 2 }
        let second = try #require(output.sent.last?["params"]?["_meta"]?["progressToken"])
        let stop = Stopper()
        Thread.detachNewThread {
            while !stop.isSet {
                Thread.sleep(forTimeInterval: 0.2)
                peer.receive(text: #"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":\#(second.encoded()),"progress":1}}"#)
            }
        }
        let outcome = await never.result
        stop.set()
        #expect(throws: MCPError.self) { try outcome.get() }
        let elapsed = ContinuousClock.now - cappedStart
        // Without the cap the progress would keep it alive for ever; a cap several times longer
        // than 1 s must fail too, so the bound is tight, with slack for a loaded machine only.
        #expect(elapsed >= .seconds(1) && elapsed < .seconds(5), "the hard cap ended it after \(elapsed)")
    }

    @Test func cancellationSendsCancelled() async {
        let output = CapturingOutput()
        let peer = makePeer(.skip, output: output)
        let task = Task { try await peer.request("slow", params: nil, options: RequestOptions(timeout: .seconds(30))) }
        await eventually { !output.sent.isEmpty }
        task.cancel()
        let outcome = await task.result
        #expect(throws: MCPError.self) { try outcome.get() }
        #expect(output.sent.last?["method"] == "notifications/cancelled")
    }

    @Test func closeFailsEveryPendingRequestAtOnce() async {
        let output = CapturingOutput()
        let peer = makePeer(.skip, output: output)
        let calls = (0..<3).map { _ in Task { try await peer.request("slow", params: nil, options: RequestOptions(timeout: .seconds(30))) } }
        await eventually { output.sent.count == 3 }
        peer.close(MCPError(.connectionClosed, server: "test", "gone", stderrTail: "Traceback: boom"))
        for call in calls {
            let outcome = await call.result
            #expect(throws: MCPError.self) { try outcome.get() }
            if case .failure(let error as MCPError) = outcome { #expect(error.stderrTail == "Traceback: boom") }
        }
    }
}

/// A flag a test sets to stop its helper thread.
private final class Stopper: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
