import Foundation
import MementoCore
import SkillMarket
import SkillStore
import Testing
import TestSupport

/// Names spread over several prefixes, one of them ("c") equal to a prefix that has to be split.
let shardedNames = ["c", "cat-facts", "csv-lint", "csv-stats", "csv-tool", "json-query", "json-tool", "0day-scan", "zeta"]
    + (0..<12).map { "tool-\($0)" }

/// A catalogue past its (tiny) shard size: index.json lists shards, the skills live in them.
func shardedFixture(shardSize: Int = 3) throws -> CatalogueFixture {
    try CatalogueFixture(skills: shardedNames.map { ($0, "1.0.0") }, shardSize: shardSize)
}

func catalogueIndex(_ fixture: CatalogueFixture) throws -> ShardedIndex {
    let json = try JSONValue.parse(bytes: Data(contentsOf: URL(fileURLWithPath: fixture.catalogue + "/index.json")))
    guard case .sharded(let index) = try IndexDocument(json: json, file: "index.json") else {
        throw MarketError.malformedIndex("the test catalogue was not sharded")
    }
    return index
}

@Suite struct ShardLayoutTests {
    func skill(_ name: String) -> CatalogueSkill { CatalogueSkill(name: name, description: name, releases: []) }

    @Test func everySkillIsInTheShardItsNameLeadsTo() throws {
        let shards = CatalogueShard.layout(shardedNames.map(skill), limit: 3)
        let index = ShardedIndex(version: 1, expires: Date(), shards: shards.enumerated().map { position, shard in
            ShardReference(prefixes: shard.prefixes, path: "shards/\(position).json", sha256: String(repeating: "0", count: 64), size: 0)
        })
        #expect(shards.allSatisfy { $0.skills.count <= 3 })
        #expect(shards.flatMap(\.skills).map(\.name).sorted() == shardedNames.sorted())
        for (position, shard) in shards.enumerated() {
            for member in shard.skills { #expect(index.shard(for: member.name) == index.shards[position], "\(member.name)") }
        }
        // "c" is split: the name "c" keeps the prefix "c", longer names go to "ca", "cs"...
        #expect(index.shard(for: "c")?.prefixes.contains("c") == true)
        #expect(index.shard(for: "csv-tool")?.prefixes.contains { $0.hasPrefix("cs") } == true)
        #expect(index.shard(for: "xylophone") == nil)
    }

    @Test func aNewSkillChangesFewShards() {
        let before = CatalogueShard.layout(shardedNames.map(skill), limit: 4)
        let after = CatalogueShard.layout((shardedNames + ["tool-3a"]).map(skill), limit: 4)
        let changed = after.filter { shard in !before.contains { $0.skills.map(\.name) == shard.skills.map(\.name) } }
        // Only shards under the prefix the new name shares with its siblings are laid out again.
        #expect(!changed.isEmpty && changed.count < after.count / 2)
        #expect(changed.allSatisfy { $0.prefixes.allSatisfy { $0.hasPrefix("tool-") } }, "\(changed.map(\.prefixes))")
    }

    @Test func smallSiblingGroupsShareAShard() {
        let names = (0..<20).map { "\(Character(UnicodeScalar(UInt8(97 + $0))))-skill" }
        let shards = CatalogueShard.layout(names.map(skill), limit: 10)
        #expect(shards.map(\.skills.count) == [10, 10])
    }
}

@Suite struct ShardedCatalogueTests {
    @Test func belowTheShardSizeTheIndexStaysFormat1() throws {
        let fixture = try CatalogueFixture()
        let json = try JSONValue.parse(bytes: Data(contentsOf: URL(fileURLWithPath: fixture.catalogue + "/index.json")))
        #expect(json["format"] == 1)
        #expect(!FileManager.default.fileExists(atPath: fixture.catalogue + "/shards"))
    }

    @Test func installFetchesOnlyTheShardItNeeds() throws {
        let fixture = try shardedFixture()
        let index = try catalogueIndex(fixture)
        #expect(index.shards.count > 3)
        let client = try fixture.client()
        try client.refresh()
        #expect(try client.resolve("csv-tool").map(\.release.version) == ["1.0.0"])
        let cache = fixture.home + "/market/test/shards"
        #expect(try FileSystem.entries(of: cache).count == 1)
        #expect(try fixture.install("json-tool").map(\.name) == ["json-tool"])
        #expect(try FileSystem.entries(of: cache).count == 2)
        // Search needs every description: all shards, then served from the cache.
        #expect(try client.search("csv").map(\.skill.name).prefix(3).sorted() == ["csv-lint", "csv-stats", "csv-tool"])
        #expect(try client.search("").count == shardedNames.count)
        #expect(try FileSystem.entries(of: cache).count == index.shards.count)
    }

    @Test func requirementsAcrossShards() throws {
        let fixture = try shardedFixture()
        try fixture.writeSkill("report", version: "1.0.0", requires: ["json-tool", "zeta"])
        try CatalogueBuilder.build(skills: fixture.skills, catalogue: fixture.catalogue, keys: fixture.keys, shardSize: 3)
        let client = try fixture.client()
        try client.refresh()
        #expect(try client.resolve("report").map(\.skill.name) == ["json-tool", "zeta", "report"])
    }

    @Test func publishKeepsEverySkillAndDropsShardsTwoVersionsOld() throws {
        let fixture = try shardedFixture()
        let first = try catalogueIndex(fixture)
        try fixture.writeSkill("csv-tool", version: "1.1.0")
        let built = try CatalogueBuilder.publish(skill: fixture.skills + "/csv-tool", catalogue: fixture.catalogue, keys: fixture.keys, shardSize: 3)
        #expect(built.index.skills.count == shardedNames.count)
        #expect(built.index.skill(named: "csv-tool")?.releases.map(\.version) == ["1.0.0", "1.1.0"])
        let second = try catalogueIndex(fixture)
        #expect(second.version == first.version + 1)
        // Only the shard holding csv-tool changed; the previous one is kept for one more version.
        #expect(Set(second.shards.map(\.path)).subtracting(first.shards.map(\.path)).count == 1)
        let stale = try #require(first.shards.first { !second.shards.contains($0) })
        #expect(FileManager.default.fileExists(atPath: fixture.catalogue + "/" + stale.path))
        try fixture.writeSkill("zeta", version: "1.1.0")
        try CatalogueBuilder.publish(skill: fixture.skills + "/zeta", catalogue: fixture.catalogue, keys: fixture.keys, shardSize: 3)
        #expect(!FileManager.default.fileExists(atPath: fixture.catalogue + "/" + stale.path))
        let client = try fixture.client()
        try client.refresh()
        #expect(try client.resolve("csv-tool").map(\.release.version) == ["1.1.0"])
        #expect(try client.resolve("zeta").map(\.release.version) == ["1.1.0"])
    }

    @Test func publishAndBuildWithoutAShardSizeKeepTheStoredOne() throws {
        let fixture = try shardedFixture()
        let first = try catalogueIndex(fixture)
        #expect(first.shardSize == 3)
        try fixture.writeSkill("csv-tool", version: "1.1.0")
        let built = try CatalogueBuilder.publish(skill: fixture.skills + "/csv-tool", catalogue: fixture.catalogue, keys: fixture.keys)
        let second = try catalogueIndex(fixture)
        #expect(second.shardSize == 3)
        #expect(second.shards == built.shards)
        // Laid out at 3 again: the same prefixes, and only the shard holding csv-tool is new.
        #expect(second.shards.map(\.prefixes) == CatalogueShard.layout(built.index.skills, limit: 3).map(\.prefixes))
        #expect(second.shards.map(\.prefixes) == first.shards.map(\.prefixes))
        #expect(Set(second.shards.map(\.path)).subtracting(first.shards.map(\.path)).count == 1)
        try CatalogueBuilder.build(skills: fixture.skills, catalogue: fixture.catalogue, keys: fixture.keys)
        let third = try catalogueIndex(fixture)
        #expect(third.shardSize == 3)
        #expect(third.shards == second.shards)
        // Given again, a size replaces the stored one.
        try CatalogueBuilder.build(skills: fixture.skills, catalogue: fixture.catalogue, keys: fixture.keys, shardSize: 5)
        let fourth = try catalogueIndex(fixture)
        #expect(fourth.shardSize == 5)
        #expect(fourth.shards.map(\.prefixes) == CatalogueShard.layout(built.index.skills, limit: 5).map(\.prefixes))
    }

    @Test func aCatalogueCanGrowIntoShardsAndBack() throws {
        let fixture = try CatalogueFixture()
        let client = try fixture.client()
        try client.refresh()
        for name in shardedNames { try fixture.writeSkill(name, version: "1.0.0") }
        try CatalogueBuilder.build(skills: fixture.skills, catalogue: fixture.catalogue, keys: fixture.keys, shardSize: 3)
        try client.refresh()
        #expect(try client.resolve("tool-7").map(\.skill.name) == ["tool-7"])
        // Given explicitly: without it the build would keep the size the sharded index records.
        try CatalogueBuilder.build(skills: fixture.skills, catalogue: fixture.catalogue, keys: fixture.keys,
                                   shardSize: CatalogueBuilder.defaultShardSize)
        try client.refresh()
        #expect(try FileSystem.entries(of: fixture.home + "/market/test/shards").isEmpty)
        #expect(try client.search("").count == shardedNames.count)
    }

    @Test func aCorruptCachedShardIsFetchedAgain() throws {
        let fixture = try shardedFixture()
        let client = try fixture.client()
        try client.refresh()
        _ = try client.resolve("zeta")
        let cache = fixture.home + "/market/test/shards"
        let cached = cache + "/" + (try #require(try FileSystem.entries(of: cache).first))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: cached))
        #expect(try fixture.client().resolve("zeta").map(\.skill.name) == ["zeta"])
    }
}

/// A shard the signed index does not pin is refused, and nothing is installed.
@Suite struct ShardAttackTests {
    func shardPath(_ fixture: CatalogueFixture, holding name: String) throws -> String {
        fixture.catalogue + "/" + (try #require(try catalogueIndex(fixture).shard(for: name))).path
    }

    func isBadShard(_ error: MarketError) -> Bool {
        if case .badShard = error { return true }
        return false
    }

    @Test func tamperedShard() throws {
        let fixture = try shardedFixture()
        let path = try shardPath(fixture, holding: "csv-tool")
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "The csv-tool skill", with: "The CSV-tool skill")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try CatalogueAttackTests().expectRefused(fixture, "csv-tool", isBadShard)
    }

    @Test func shardFromAnOlderIndexVersion() throws {
        let fixture = try shardedFixture()
        let old = try Data(contentsOf: URL(fileURLWithPath: try shardPath(fixture, holding: "csv-tool")))
        // Version 2 adds csv-tool 1.1.0; a mirror serves version 2's index with the version 1
        // shard in place of the new one (a stale cache, or a replay hiding the update).
        try fixture.writeSkill("csv-tool", version: "1.1.0")
        try CatalogueBuilder.publish(skill: fixture.skills + "/csv-tool", catalogue: fixture.catalogue, keys: fixture.keys, shardSize: 3)
        try old.write(to: URL(fileURLWithPath: try shardPath(fixture, holding: "csv-tool")))
        try CatalogueAttackTests().expectRefused(fixture, "csv-tool", isBadShard)
    }

    @Test func shardLargerThanTheIndexSays() throws {
        let fixture = try shardedFixture()
        try fixture.modify(String(try shardPath(fixture, holding: "zeta").dropFirst(fixture.catalogue.count + 1))) { data in
            data.append(contentsOf: Array(" ".utf8))
        }
        try CatalogueAttackTests().expectRefused(fixture, "zeta") { error in
            if case .fetch = error { return true }
            return false
        }
    }

    /// The builder reads the catalogue's shards back through the client's check: a damaged or
    /// missing one stops a publish with what to do, and no new index is signed.
    @Test func publishRefusesADamagedOrMissingShard() throws {
        let fixture = try shardedFixture()
        let path = try shardPath(fixture, holding: "zeta")
        try fixture.modify(String(path.dropFirst(fixture.catalogue.count + 1))) { data in data[data.count / 2] ^= 0x01 }
        try fixture.writeSkill("csv-tool", version: "1.1.0")
        func publishRefusal() -> String? {
            do {
                try CatalogueBuilder.publish(skill: fixture.skills + "/csv-tool", catalogue: fixture.catalogue, keys: fixture.keys)
                return nil
            } catch {
                guard case .malformedIndex(let reason) = error else { return "not malformedIndex: \(error)" }
                return reason
            }
        }
        let damaged = try #require(publishRefusal())
        #expect(damaged.hasPrefix(path + " does not match ") && damaged.contains("its sha256 is ") && damaged.hasSuffix("restore it, or rebuild the catalogue from the skill folders"),
                "\(damaged)")
        try FileSystem.unlink(path)
        let missing = try #require(publishRefusal())
        #expect(missing.hasPrefix(path + ", which ") && missing.contains(" is missing; restore it"), "\(missing)")
        #expect(try catalogueIndex(fixture).version == 1)
    }

    @Test func shardPathOutsideTheCatalogueIsRefused() throws {
        func index(shardPath: String) -> JSONValue {
            ["format": 2, "version": 1, "expires": "2030-01-01T00:00:00Z",
             "shards": [["prefixes": ["a"], "path": .string(shardPath), "sha256": .string(String(repeating: "0", count: 64)), "size": 1]]]
        }
        // The same document with a path inside the catalogue parses: only the path is refused.
        guard case .sharded(let legal) = try IndexDocument(json: index(shardPath: "shards/x.json"), file: "index.json") else {
            Issue.record("a format 2 document did not parse as a sharded index")
            return
        }
        #expect(legal.shards.map(\.path) == ["shards/x.json"])
        for path in ["../elsewhere.json", "shards/../../x.json", "/etc/x.json", "https://elsewhere.example/x.json", "shards/%2e%2e/x.json"] {
            let error = #expect(throws: MarketError.self, "\(path)") { try IndexDocument(json: index(shardPath: path), file: "index.json") }
            guard case .malformedIndex(let reason)? = error else {
                Issue.record("\(path): expected malformedIndex, got \(String(describing: error))")
                continue
            }
            #expect(reason.hasPrefix("index.json: shards[0]: ") && reason.contains("a relative \"path\" inside the catalogue"), "\(path): \(reason)")
        }
    }
}

/// The sharded catalogue served by a real nginx on 127.0.0.1.
@Suite(.serialized) struct HTTPShardedCatalogueTests {
    @Test(.timeLimit(.minutes(1))) func searchAndInstallOverHTTP() throws {
        let fixture = try shardedFixture()
        let nginx = try Nginx(serving: fixture.catalogue)
        try MarketConfiguration(sources: [CatalogueSource(name: "http", url: nginx.url, rootKey: fixture.rootKey)]).save(home: fixture.home)
        let client = try fixture.client()
        try client.refresh()
        let store = try SkillStore.writer(home: fixture.home)
        for release in try client.resolve("tool-11") { _ = try client.install(release, into: store) }
        #expect(try fixture.installedNames() == ["tool-11"])
        #expect(try FileSystem.entries(of: fixture.home + "/market/http/shards").count == 1)
        #expect(try client.search("json").map(\.skill.name).prefix(2).sorted() == ["json-query", "json-tool"])
        #expect(try FileSystem.entries(of: fixture.home + "/market/http/shards").count == catalogueIndex(fixture).shards.count)
    }

    @Test(.timeLimit(.minutes(1))) func tamperedShardOverHTTP() throws {
        let fixture = try shardedFixture()
        let path = fixture.catalogue + "/" + (try #require(try catalogueIndex(fixture).shard(for: "tool-1"))).path
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data[data.count / 2] ^= 0x01
        try data.write(to: URL(fileURLWithPath: path))
        let nginx = try Nginx(serving: fixture.catalogue)
        try MarketConfiguration(sources: [CatalogueSource(name: "http", url: nginx.url, rootKey: fixture.rootKey)]).save(home: fixture.home)
        try CatalogueAttackTests().expectRefused(fixture, "tool-1") { error in
            if case .badShard = error { return true }
            return false
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.home + "/market/http/shards"))
    }
}
