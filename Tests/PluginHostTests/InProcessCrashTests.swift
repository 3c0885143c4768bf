import Foundation
import Testing
@testable import PluginHost

/// Documents what isolation is for: a crash inside an in-process plugin ends the whole host.
/// Run in a child `memento` so the test process survives.
@Suite("In-process crashes end the host", .timeLimit(.minutes(1)))
struct InProcessCrashTests {
    func run(_ arguments: [String]) throws -> (status: Int32, signal: Int32?, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: mementoBinary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        environment["MEMENTO_HOME"] = NSTemporaryDirectory() + "/memento-no-home-\(getpid())"
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let signaled = process.terminationReason == .uncaughtSignal
        return (signaled ? -1 : process.terminationStatus, signaled ? process.terminationStatus : nil, text)
    }

    @Test func aSegfaultInProcessKillsTheHostButNotInARunner() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "fatal"
        let folder = try workspace.skill(options)

        let inProcess = try run(["call", "fatal.segv", "--skill-dir", folder, "--in-process"])
        #expect(inProcess.signal == SIGSEGV, "status \(inProcess.status), stderr: \(inProcess.stderr)")

        let isolated = try run(["call", "fatal.segv", "--skill-dir", folder])
        #expect(isolated.signal == nil)
        #expect(isolated.status == 2)
        #expect(isolated.stderr.contains("crashed during the call (runner killed by signal 11 (SIGSEGV)); memento is unaffected"))
    }
}
