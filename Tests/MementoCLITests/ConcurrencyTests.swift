import Foundation
import MementoCore
import Testing
import TestSupport

/// Two `memento` processes writing at once serialise on the store lock; neither corrupts it.
@Suite struct ConcurrencyTests {
    @Test(.timeLimit(.minutes(3)))
    func twoProcessesInstallingAtOnce() throws {
        let temporary = try TemporaryDirectory()
        let first = try temporary.archive(name: "racer-one", version: "1.0.0", fileCount: 40, seed: "a")
        let second = try temporary.archive(name: "racer-two", version: "1.0.0", fileCount: 40, seed: "b")
        for round in 0..<4 {
            let cli = CLI(home: temporary.path + "/home-\(round)")
            // Same skill from two processes, then different skills from two processes.
            for pair in [[first, first], [first, second]] {
                let processes = try pair.map { try cli.start(["install", $0]) }
                for process in processes {
                    process.waitUntilExit()
                    #expect(process.terminationStatus == 0, "round \(round): a concurrent install failed")
                }
            }
            let names = try #require(try cli.run(["list", "--json"]).json?.arrayValue).compactMap { $0["name"]?.stringValue }
            #expect(names == ["racer-one", "racer-two"])
            #expect(try cli.run(["doctor"]).status == 0)
        }
    }
}
