import Foundation
import MementoCore
import Testing
import TestSupport

/// Kills `memento install` with SIGKILL at every write, fsync, rename, link, unlink and database
/// commit (the CrashInjection hook) and checks the store after each kill.
@Suite struct CrashSafetyTests {
    @Test(.timeLimit(.minutes(5)))
    func everyKillLeavesTheOldStateOrTheNewOne() throws {
        let temporary = try TemporaryDirectory()
        let v1 = try temporary.archive(name: "crashy", version: "1.0.0", fileCount: 40, seed: "one")
        let v2 = try temporary.archive(name: "crashy", version: "2.0.0", fileCount: 40, seed: "two")
        let base = temporary.path + "/base"
        let baseCLI = CLI(home: base)
        #expect(try baseCLI.run(["install", v1]).status == 0)
        let oldTree = try #require(try baseCLI.run(["list", "--json"]).json?.arrayValue?.first?["tree_sha256"]?.stringValue)

        // How many points does the install have, and what does the finished state look like?
        let complete = temporary.path + "/complete"
        try copyTree(base, to: complete)
        let countFile = temporary.path + "/count"
        let finished = try CLI(home: complete).run(["install", v2], extraEnvironment: ["MEMENTO_CRASH_COUNT": countFile])
        #expect(finished.status == 0, "\(finished.stderr)")
        let total = try #require(Int(try String(contentsOfFile: countFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let newTree = try #require(try CLI(home: complete).run(["list", "--json"]).json?.arrayValue?.first?["tree_sha256"]?.stringValue)
        #expect(total >= 50, "an install should have at least 50 crash points, has \(total)")

        let samples = 60
        let points = total <= samples ? Array(1...total) : (0..<samples).map { 1 + $0 * (total - 1) / (samples - 1) }
        var outcomes: [String: Int] = [:]
        for point in points {
            let home = temporary.path + "/kill-\(point)"
            try copyTree(base, to: home)
            let cli = CLI(home: home)
            let killed = try cli.run(["install", v2], extraEnvironment: ["MEMENTO_CRASH_AT": String(point)])
            #expect(killed.killedBySignal == SIGKILL, "point \(point) of \(total) did not kill: \(killed.stderr)")

            // Before any recovery: what an agent loading through `current` would see.
            let link = FileSystem.readLink(home + "/store/skills/crashy/current")
            let raw = try #require(link, "point \(point): the current link is missing")
            let tree = TreeHash.of(try FolderTree.entries(in: home + "/store/skills/crashy/" + raw))
            #expect((raw == "1.0.0" && tree == oldTree) || (raw == "2.0.0" && tree == newTree), "point \(point): a mixed tree")

            // The next start recovers; the result is the old or the new state and doctor is clean.
            let listed = try #require(try cli.run(["list", "--json"]).json?.arrayValue)
            #expect(listed.count == 1)
            let version = listed.first?["version"]?.stringValue ?? "?"
            #expect(version == raw, "point \(point): the database and the link disagree after recovery")
            outcomes[version, default: 0] += 1
            let doctor = try cli.run(["doctor", "--json"])
            #expect(doctor.status == 0, "point \(point): doctor found \(doctor.stdout)")
            #expect(try FileSystem.entries(of: home + "/store/staging").isEmpty)
            try FileSystem.removeTree(home)
        }
        // Both outcomes must occur, or the kills were not spread over the whole install.
        #expect(outcomes["1.0.0", default: 0] > 0 && outcomes["2.0.0", default: 0] > 0, "\(outcomes)")
    }
}
