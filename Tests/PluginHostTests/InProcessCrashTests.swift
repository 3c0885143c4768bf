import Foundation
import Testing
import TestSupport
@testable import PluginHost

/// Documents what isolation is for: a crash inside an in-process plugin ends the whole host.
/// Run in a child `memento` so the test process survives.
@Suite("In-process crashes end the host", .timeLimit(.minutes(1)))
struct InProcessCrashTests {
    @Test func aSegfaultInProcessKillsTheHostButNotInARunner() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "fatal"
        let folder = try workspace.skill(options)

        let home = workspace.root + "/home"
        let inProcess = try Memento.run(["call", "fatal.segv", "--skill-dir", folder, "--in-process"], home: home)
        #expect(inProcess.killedBySignal == SIGSEGV, "status \(inProcess.status), stderr: \(inProcess.stderr)")

        let isolated = try Memento.run(["call", "fatal.segv", "--skill-dir", folder], home: home)
        #expect(isolated.killedBySignal == nil)
        #expect(isolated.status == 2)
        #expect(isolated.stderr.contains("crashed during the call (runner killed by signal 11 (SIGSEGV)); memento is unaffected"))
    }
}
