import Foundation
import MementoCore
import Testing
import TestSupport

/// The user's whole catalogue life cycle through the real CLI against nginx on 127.0.0.1:
/// install, outdated, pin, update, rollback, lock, and a frozen install in a fresh home.
@Suite struct CatalogueLifecycleTests {
    /// A skill folder; `requires` adds a skill.json that names those skills (any version).
    func writeSkill(_ folder: String, version: String, requires: [String] = []) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let name = (folder as NSString).lastPathComponent
        let text = "---\nname: \(name)\ndescription: Tidies notes, version \(version). Use when asked to tidy notes.\nlicense: MIT\nmetadata:\n  version: \"\(version)\"\n---\nSort the notes by date.\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/SKILL.md"))
        guard !requires.isEmpty else { return }
        let manifest: JSONValue = [
            "manifest_version": 1, "name": .string(name), "version": .string(version), "kind": "instructions",
            "description": "Tidies notes. Use when asked to tidy notes.",
            "requires": .array(requires.map { ["name": .string($0), "version": "*"] }),
        ]
        try manifest.encodedData(.pretty).write(to: URL(fileURLWithPath: folder + "/skill.json"))
    }

    @Test(.timeLimit(.minutes(2))) func installUpdatePinRollbackFrozen() throws {
        let temporary = try TemporaryDirectory()
        let skills = temporary.path + "/skills"
        let catalogue = temporary.path + "/catalogue"
        let keys = temporary.path + "/keys"
        try writeSkill(skills + "/tidy-notes", version: "1.0.0")
        let owner = CLI(home: temporary.path + "/owner")
        #expect(try owner.run(["market", "keygen", "--dir", keys]).status == 0)
        #expect(try owner.run(["market", "build", skills, "--catalog", catalogue, "--keys", keys]).status == 0)
        let nginx = try Nginx(serving: catalogue)

        let cli = CLI(home: temporary.path + "/home")
        #expect(try cli.run(["market", "add-source", "team", nginx.url.absoluteString, "--root-key", keys + "/root.pub"]).status == 0)
        let installed = try cli.run(["install", "tidy-notes"])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout.contains("verify: pass"))

        // A new release appears in the catalogue.
        try writeSkill(skills + "/tidy-notes", version: "1.1.0")
        #expect(try owner.run(["market", "publish", skills + "/tidy-notes", "--catalog", catalogue, "--keys", keys]).status == 0)
        let outdated = try cli.run(["outdated", "--refresh", "--json"])
        #expect(outdated.json?.arrayValue?.first?["latest"] == "1.1.0")

        #expect(try cli.run(["pin", "tidy-notes", "--reason", "reviewing 1.1"]).status == 0)
        let skipped = try cli.run(["update"])
        #expect(skipped.stdout.contains("pinned: reviewing 1.1"))
        #expect(try cli.run(["list", "--json"]).json?.arrayValue?.first?["version"] == "1.0.0")

        #expect(try cli.run(["unpin", "tidy-notes"]).status == 0)
        let dry = try cli.run(["update", "--dry-run"])
        #expect(dry.stdout.contains("would update tidy-notes 1.0.0 → 1.1.0"))
        let updated = try cli.run(["update"])
        #expect(updated.status == 0, "\(updated.stderr)")
        #expect(try cli.run(["list", "--json"]).json?.arrayValue?.first?["version"] == "1.1.0")

        #expect(try cli.run(["rollback", "tidy-notes"]).status == 0)
        #expect(try cli.run(["list", "--json"]).json?.arrayValue?.first?["version"] == "1.0.0")

        // Lock the state, then reproduce it in a fresh home from the catalogue alone.
        #expect(try cli.run(["lock"], directory: temporary.path).status == 0)
        let fresh = CLI(home: temporary.path + "/fresh")
        #expect(try fresh.run(["market", "add-source", "team", nginx.url.absoluteString, "--root-key", keys + "/root.pub"]).status == 0)
        let frozen = try fresh.run(["install", "--frozen"], directory: temporary.path)
        #expect(frozen.status == 0, "\(frozen.stderr)")
        let reproduced = try fresh.run(["lock", "--file", temporary.path + "/fresh.lock"])
        #expect(reproduced.status == 0)
        let original = try String(contentsOfFile: temporary.path + "/memento.lock", encoding: .utf8)
        #expect(try String(contentsOfFile: temporary.path + "/fresh.lock", encoding: .utf8) == original)
    }

    @Test(.timeLimit(.minutes(2))) func aShardedCatalogueWorksLikeAnyOther() throws {
        let temporary = try TemporaryDirectory()
        let skills = temporary.path + "/skills"
        let keys = temporary.path + "/keys"
        let catalogue = temporary.path + "/catalogue"
        for name in ["alpha-notes", "beta-notes", "gamma-notes", "tidy-notes", "zeta-notes"] { try writeSkill(skills + "/" + name, version: "1.0.0") }
        let owner = CLI(home: temporary.path + "/owner")
        #expect(try owner.run(["market", "keygen", "--dir", keys]).status == 0)
        let built = try owner.run(["market", "build", skills, "--catalog", catalogue, "--keys", keys, "--shard-size", "2"])
        #expect(built.stdout.contains("5 skills, 3 index shards"), "\(built.stdout)\(built.stderr)")
        let nginx = try Nginx(serving: catalogue)

        let cli = CLI(home: temporary.path + "/home")
        #expect(try cli.run(["market", "add-source", "team", nginx.url.absoluteString, "--root-key", keys + "/root.pub"]).status == 0)
        let installed = try cli.run(["install", "tidy-notes"])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(try FileSystem.entries(of: temporary.path + "/home/market/team/shards").count == 1)
        #expect(try cli.run(["search", "notes", "--json"]).json?.arrayValue?.count == 5)

        try writeSkill(skills + "/tidy-notes", version: "1.1.0")
        // No --shard-size: the index records 2, and the publish keeps it.
        let published = try owner.run(["market", "publish", skills + "/tidy-notes", "--catalog", catalogue, "--keys", keys])
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.contains(", 3 index shards"), "\(published.stdout)")
        #expect(try cli.run(["outdated", "--refresh", "--json"]).json?.arrayValue?.first?["latest"] == "1.1.0")
        let updated = try cli.run(["update"])
        #expect(updated.status == 0, "\(updated.stderr)")
        #expect(try cli.run(["list", "--json"]).json?.arrayValue?.first?["version"] == "1.1.0")
    }

    @Test(.timeLimit(.minutes(2))) func severalSkillsInOneCommandAreFetchedTogether() throws {
        let temporary = try TemporaryDirectory()
        let skills = temporary.path + "/skills"
        let names = (0..<6).map { "bundle-\($0)" }
        for name in names { try writeSkill(skills + "/" + name, version: "1.0.0") }
        let owner = CLI(home: temporary.path + "/owner")
        #expect(try owner.run(["market", "keygen", "--dir", temporary.path + "/keys"]).status == 0)
        #expect(try owner.run(["market", "build", skills, "--catalog", temporary.path + "/catalogue", "--keys", temporary.path + "/keys"]).status == 0)
        let nginx = try Nginx(serving: temporary.path + "/catalogue")
        let cli = CLI(home: temporary.path + "/home")
        #expect(try cli.run(["market", "add-source", "team", nginx.url.absoluteString, "--root-key", temporary.path + "/keys/root.pub"]).status == 0)
        let result = try cli.run(["install"] + names)
        #expect(result.status == 0, "\(result.stderr)")
        let installed = try #require(try cli.run(["list", "--json"]).json?.arrayValue).compactMap { $0["name"]?.stringValue }
        #expect(installed == names)
        #expect(try FileSystem.entries(of: temporary.path + "/home/store/staging").isEmpty)
        #expect(try FileSystem.entries(of: temporary.path + "/home/store/blobs/sha256").count == names.count)
    }

    /// alpha and beta both require shared-notes: it is fetched once and installed once. Before
    /// that, an install whose one archive fails its hash leaves no download behind in staging.
    /// A catalogue folder, not HTTP: two copies of one archive then always collide in staging.
    @Test(.timeLimit(.minutes(2))) func skillsThatShareARequirementInstallTogether() throws {
        let temporary = try TemporaryDirectory()
        let skills = temporary.path + "/skills"
        let catalogue = temporary.path + "/catalogue"
        try writeSkill(skills + "/shared-notes", version: "1.0.0")
        try writeSkill(skills + "/alpha", version: "1.0.0", requires: ["shared-notes"])
        try writeSkill(skills + "/beta", version: "1.0.0", requires: ["shared-notes"])
        let owner = CLI(home: temporary.path + "/owner")
        #expect(try owner.run(["market", "keygen", "--dir", temporary.path + "/keys"]).status == 0)
        #expect(try owner.run(["market", "build", skills, "--catalog", catalogue, "--keys", temporary.path + "/keys"]).status == 0)
        let cli = CLI(home: temporary.path + "/home")
        #expect(try cli.run(["market", "add-source", "team", catalogue, "--root-key", temporary.path + "/keys/root.pub"]).status == 0)

        // beta's archive altered (same size): the install is refused and the other downloads go.
        let archive = URL(fileURLWithPath: catalogue + "/archives/beta-1.0.0.skill")
        let original = try Data(contentsOf: archive)
        var altered = original
        altered[altered.count / 2] ^= 0xFF
        try altered.write(to: archive)
        let refused = try cli.run(["install", "alpha", "beta"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("beta-1.0.0.skill"), "\(refused.stderr)")
        // Looked at before any other command: opening the store sweeps a dead process's staging.
        #expect(try FileSystem.entries(of: temporary.path + "/home/store/staging").isEmpty)
        #expect(try cli.run(["list", "--json"]).json == .array([]))

        try original.write(to: archive)
        let result = try cli.run(["install", "alpha", "beta"])
        #expect(result.status == 0, "\(result.stderr)")
        let installed = try #require(try cli.run(["list", "--json"]).json?.arrayValue).compactMap { $0["name"]?.stringValue }
        #expect(installed.sorted() == ["alpha", "beta", "shared-notes"])
        #expect(try FileSystem.entries(of: temporary.path + "/home/store/staging").isEmpty)
        #expect(try FileSystem.entries(of: temporary.path + "/home/store/blobs/sha256").count == 3)
    }

    @Test(.timeLimit(.minutes(2))) func killDuringADownloadLeavesNothingAndTheNextInstallResumes() throws {
        let temporary = try TemporaryDirectory()
        let skills = temporary.path + "/skills"
        let folder = skills + "/slow-skill"
        try writeSkill(folder, version: "1.0.0")
        // About 600 KiB of incompressible content, served at 100 KiB/s.
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<(600 << 10)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(noise).write(to: URL(fileURLWithPath: folder + "/data.bin"))
        let owner = CLI(home: temporary.path + "/owner")
        #expect(try owner.run(["market", "keygen", "--dir", temporary.path + "/keys"]).status == 0)
        #expect(try owner.run(["market", "build", skills, "--catalog", temporary.path + "/catalogue", "--keys", temporary.path + "/keys"]).status == 0)
        let nginx = try Nginx(serving: temporary.path + "/catalogue", rate: "100k")

        let cli = CLI(home: temporary.path + "/home")
        #expect(try cli.run(["market", "add-source", "team", nginx.url.absoluteString, "--root-key", temporary.path + "/keys/root.pub"]).status == 0)
        #expect(try cli.run(["search", "--refresh"]).status == 0)
        let install = try cli.start(["install", "slow-skill"])
        // Kill once bytes are arriving (polled, bounded), so the download is really in flight.
        let downloads = temporary.path + "/home/store/downloads"
        for _ in 0..<600 {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: downloads)) ?? []
            if let name = names.first, (FileSystem.linkStatus(downloads + "/" + name)?.st_size ?? 0) > 0 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(install.processIdentifier, SIGKILL)
        install.waitUntilExit()
        #expect(install.terminationReason == .uncaughtSignal)

        #expect(try cli.run(["list", "--json"]).json == .array([]))
        #expect(try cli.run(["doctor"]).status == 0)
        let partials = try FileManager.default.contentsOfDirectory(atPath: temporary.path + "/home/store/downloads")
        let partialSize = partials.first.flatMap { FileSystem.linkStatus(temporary.path + "/home/store/downloads/" + $0)?.st_size } ?? 0
        #expect(partialSize > 0, "the interrupted download should be kept for resuming")

        let resumed = try cli.run(["install", "slow-skill"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try cli.run(["list", "--json"]).json?.arrayValue?.first?["name"] == "slow-skill")
    }
}
