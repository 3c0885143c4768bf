import Foundation
import MementoCore
import Testing
@testable import PluginHost

@Suite("Buffer ownership across the C boundary")
struct OwnershipTests {
    @Test func everyResultIsFreedExactlyOnceThroughTheDescriptor() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "ownership"
        let plugin = try NativeLoader.load(try NativeSkillFolder(root: try workspace.skill(options)), mode: .inProcess)
        for index in 0..<1000 {
            _ = try plugin.invoke(Array(#"{"arguments":{"n":\#(index)},"tool":"echo"}"#.utf8))
        }
        // The error path fills `out` too, and it is freed like any other result.
        let failure = try plugin.invoke(Array(#"{"tool":"fail"}"#.utf8)).output
        #expect(failure["error"]?["code"] == "failed")
        let big = try plugin.invoke(Array(#"{"tool":"big"}"#.utf8)).output
        #expect(big["data"]?.stringValue?.utf8.count == 1 << 20)
        // A 1 MiB request goes in and comes back whole.
        let payload = String(repeating: "y", count: 1 << 20)
        let echoed = try plugin.invoke(Array(#"{"arguments":{"text":"\#(payload)"},"tool":"echo"}"#.utf8)).output
        #expect(echoed["input"]?["arguments"]?["text"]?.stringValue?.count == 1 << 20)
        // Zero-length input is legal; the plugin answers with an error reply.
        #expect(try plugin.invoke([]).isError)

        // stats counts before allocating its own reply: everything earlier was released once.
        let stats = try plugin.invoke(Array(#"{"tool":"stats"}"#.utf8)).output
        #expect(stats["allocations"] == 1004)
        #expect(stats["releases"] == 1004)
    }

    @Test func badOutputIsATypedErrorNotACrash() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "badoutput"
        let plugin = try NativeLoader.load(try NativeSkillFolder(root: try workspace.skill(options)), mode: .inProcess)
        #expect(caseName(expectError { _ = try plugin.invoke(Array(#"{"tool":"empty"}"#.utf8)) }) == "invalidOutput")
        // The echo plugin copies raw input into its reply: invalid UTF-8 and an embedded NUL
        // yield output that is not JSON, which the host reports.
        let hostile: [UInt8] = Array(#"{"tool":"echo","x":""#.utf8) + [0xFF, 0x00, 0xFE] + Array(#""}"#.utf8)
        #expect(caseName(expectError { _ = try plugin.invoke(hostile) }) == "invalidOutput")
        let stats = try plugin.invoke(Array(#"{"tool":"stats"}"#.utf8)).output
        #expect(stats["allocations"] == stats["releases"])
    }

    @Test func serialisesCallsOfAPluginThatIsNotThreadSafe() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "concurrency"
        let plugin = try NativeLoader.load(try NativeSkillFolder(root: try workspace.skill(options)), mode: .inProcess)
        // The test plugin counts calls that start while another is in flight.
        hammer(plugin)
        let stats = try plugin.invoke(Array(#"{"tool":"stats"}"#.utf8)).output
        #expect(stats["allocations"] == 4040)
        #expect(stats["releases"] == 4040)
        #expect(stats["overlaps"] == 0)
    }

    @Test func callsAThreadSafePluginConcurrently() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "threadsafe"
        options.defines = ["THREAD_SAFE"]
        let plugin = try NativeLoader.load(try NativeSkillFolder(root: try workspace.skill(options)), mode: .inProcess)
        hammer(plugin)
        let stats = try plugin.invoke(Array(#"{"tool":"stats"}"#.utf8)).output
        #expect(stats["allocations"] == stats["releases"])
        // 2 ms sleeps on 4 threads: without the lock, calls overlap.
        #expect((stats["overlaps"]?.int64Value ?? 0) > 0)
    }

    /// 4 threads of their own (tasks or GCD may run them one after another on a busy machine),
    /// each 1000 echo calls and 10 slow ones.
    private func hammer(_ plugin: NativePlugin) {
        let finished = DispatchGroup()
        for worker in 0..<4 {
            finished.enter()
            Thread {
                for index in 0..<1000 { _ = try? plugin.invoke(Array(#"{"arguments":{"w":\#(worker),"i":\#(index)},"tool":"echo"}"#.utf8)) }
                for _ in 0..<10 { _ = try? plugin.invoke(Array(#"{"tool":"slow"}"#.utf8)) }
                finished.leave()
            }.start()
        }
        finished.wait()
    }
}

/// The PluginError a call threw, nil if it succeeded (another error type is a test failure).
func expectError(_ body: () throws -> Void) -> PluginError? {
    do {
        try body()
        return nil
    } catch let error as PluginError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
