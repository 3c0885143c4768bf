import Foundation
import MementoCore
import Testing
import TestSupport

/// "A valgrind run over a call loop reports no leak": a C host (Fixtures/leak_harness.c) loads a
/// plugin, calls one tool 2,000 times freeing each result with the descriptor's free_buf, and
/// destroys the instance, under memcheck. Only definite and indirect leaks count: the Swift
/// runtime keeps metadata caches that memcheck calls "possibly lost" or "still reachable".
/// A harness built with -DSKIP_FREE must be caught leaking, or the check proves nothing.
@Suite("No leak over a call loop under valgrind", .timeLimit(.minutes(3)))
struct LeakCheckTests {
    static let calls = 2000

    struct Report {
        let status: Int32
        /// The harness's own stdout and stderr.
        let output: String
        /// Memcheck's report.
        let memcheck: String

        /// Bytes and blocks on memcheck's "definitely lost: B bytes in N blocks" line, nil if absent.
        var definitelyLost: (bytes: Int, blocks: Int)? {
            guard let line = memcheck.split(separator: "\n").first(where: { $0.contains("definitely lost:") }) else {
                // Nothing left on the heap at all: memcheck prints no leak summary.
                return memcheck.contains("All heap blocks were freed") ? (0, 0) : nil
            }
            let numbers = line.split(separator: ":").last?.split(separator: " ").compactMap { Int($0.replacingOccurrences(of: ",", with: "")) } ?? []
            return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
        }

        var indirectlyLostNothing: Bool {
            !memcheck.contains("indirectly lost:") || memcheck.contains("indirectly lost: 0 bytes in 0 blocks")
        }
    }

    /// valgrind from PATH. Missing is a failure, not a skip: the promise would go unchecked.
    static func valgrind() -> String? {
        Subprocess.executablePath(named: "valgrind")
    }

    /// Compiles the harness into the workspace; `skipFree` never releases a result.
    static func harness(in workspace: PluginWorkspace, skipFree: Bool) throws -> String {
        let binary = workspace.root + (skipFree ? "/leak_harness_skip_free" : "/leak_harness")
        try PluginWorkspace.run("/usr/bin/cc", ["-O1", "-g", "-Wall", "-I", PluginWorkspace.sdkInclude, "-o", binary,
                                                PluginWorkspace.fixtures + "/leak_harness.c", "-ldl"] + (skipFree ? ["-DSKIP_FREE"] : []))
        return binary
    }

    /// Runs HARNESS PLUGIN CALLS REQUEST EXPECTED under memcheck.
    static func memcheck(_ valgrind: String, harness: String, plugin: String, request: String, expected: String) throws -> Report {
        let log = harness + "-\(UUID().uuidString.prefix(8))"
        FileManager.default.createFile(atPath: log + ".out", contents: nil)
        guard let output = FileHandle(forWritingAtPath: log + ".out") else { throw FileSystemError("open", log + ".out") }
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: valgrind)
        process.arguments = ["--leak-check=full", "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=9",
                             "--suppressions=" + PluginWorkspace.fixtures + "/valgrind.supp", "--log-file=" + log + ".memcheck",
                             harness, plugin, String(calls), request, expected]
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Report(status: process.terminationReason == .uncaughtSignal ? -1 : process.terminationStatus,
                      output: (try? String(contentsOfFile: log + ".out", encoding: .utf8)) ?? "",
                      memcheck: (try? String(contentsOfFile: log + ".memcheck", encoding: .utf8)) ?? "")
    }

    /// The loop with free_buf leaks nothing; the loop without it leaks one block a call.
    static func expectNoLeakAndACaughtLeak(plugin: String, request: String, expected: String, in workspace: PluginWorkspace) throws {
        guard let valgrind = valgrind() else {
            Issue.record("valgrind is not installed (apt-get install valgrind): the leak check cannot run")
            return
        }
        let clean = try memcheck(valgrind, harness: try harness(in: workspace, skipFree: false), plugin: plugin, request: request, expected: expected)
        #expect(clean.status == 0, "memcheck found errors (exit \(clean.status)):\n\(clean.output)\n\(clean.memcheck)")
        #expect(clean.output.contains("\(calls) calls, 0 failed"), "\(clean.output)")
        let lost = clean.definitelyLost
        #expect(lost != nil && lost?.bytes == 0, "\(clean.memcheck)")
        #expect(clean.indirectlyLostNothing, "\(clean.memcheck)")

        let leaky = try memcheck(valgrind, harness: try harness(in: workspace, skipFree: true), plugin: plugin, request: request, expected: expected)
        #expect(leaky.status == 9, "memcheck did not flag results that were never freed (exit \(leaky.status)):\n\(leaky.memcheck)")
        #expect(leaky.output.contains("\(calls) calls, 0 failed"), "\(leaky.output)")
        // Every result but possibly the last (still pointed to from the stack) is definitely lost.
        #expect((leaky.definitelyLost?.blocks ?? 0) >= calls - 1, "\(leaky.memcheck)")
    }

    @Test func aCPluginLeaksNothingOverACallLoop() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "leakcheck"
        let folder = try workspace.skill(options)
        try LeakCheckTests.expectNoLeakAndACaughtLeak(plugin: folder + "/libskill.so", request: #"{"arguments":{"text":"hi"},"tool":"echo"}"#,
                                                      expected: #""text":"hi""#, in: workspace)
    }

    @Test func aSwiftSkillKitPluginLeaksNothingOverACallLoop() throws {
        let workspace = try PluginWorkspace()
        let folder = try SwiftPluginTests.build(in: workspace)
        try LeakCheckTests.expectNoLeakAndACaughtLeak(plugin: folder + "/libskill.so", request: #"{"arguments":{"name":"Ada"},"tool":"greet"}"#,
                                                      expected: #""text":"Hello, Ada!""#, in: workspace)
    }
}
