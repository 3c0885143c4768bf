import Foundation
import MementoCore
import SkillMarket
import SkillStore
import Testing
import TestSupport

/// A catalogue built and signed in a temporary directory, and a home that trusts it.
final class CatalogueFixture {
    let root: String
    var skills: String { root + "/skills" }
    var catalogue: String { root + "/catalogue" }
    var keys: String { root + "/keys" }
    var home: String { root + "/home" }
    let rootKey: PublicKey

    init(skills names: [(String, String)] = [("csv-tool", "1.0.0"), ("json-tool", "1.0.0")],
         shardSize: Int = CatalogueBuilder.defaultShardSize) throws
    {
        root = try FileSystem.makeTemporaryDirectory(prefix: "memento-market")
        rootKey = try CatalogueBuilder.generateKeys(in: root + "/keys").root
        for (name, version) in names { try writeSkill(name, version: version) }
        try CatalogueBuilder.build(skills: skills, catalogue: catalogue, keys: keys, shardSize: shardSize)
        try MarketConfiguration(sources: [CatalogueSource(name: "test", url: URL(fileURLWithPath: catalogue), rootKey: rootKey)]).save(home: home)
    }

    deinit { try? FileSystem.removeTree(root) }

    func writeSkill(_ name: String, version: String, body: String = "Instructions.", requires: [String] = []) throws {
        let folder = skills + "/" + name
        try? FileSystem.removeTree(folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let text = "---\nname: \(name)\ndescription: The \(name) skill for tests. Use when testing \(name).\nmetadata:\n  version: \"\(version)\"\n---\n\(body)\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/SKILL.md"))
        if !requires.isEmpty {
            let list = requires.map { "{\"name\":\"\($0)\",\"version\":\"*\"}" }.joined(separator: ",")
            let manifest = "{\"manifest_version\":1,\"name\":\"\(name)\",\"version\":\"\(version)\",\"kind\":\"instructions\",\"description\":\"The \(name) skill.\",\"requires\":[\(list)]}"
            try Data(manifest.utf8).write(to: URL(fileURLWithPath: folder + "/skill.json"))
        }
    }

    func client() throws -> MarketClient { try MarketClient(home: home) }

    func install(_ specification: String) throws -> [InstallOutcome] {
        let client = try client()
        let store = try SkillStore.writer(home: home)
        var outcomes: [InstallOutcome] = []
        for release in try client.resolve(specification) { outcomes.append(try client.install(release, into: store)) }
        return outcomes
    }

    func installedNames() throws -> [String] { try SkillStore.reader(home: home)?.list().map(\.name) ?? [] }

    func modify(_ file: String, _ change: (inout Data) -> Void) throws {
        let url = URL(fileURLWithPath: catalogue + "/" + file)
        var data = try Data(contentsOf: url)
        change(&data)
        try data.write(to: url)
    }
}

@Suite struct CatalogueTests {
    @Test func buildSearchInstall() throws {
        let fixture = try CatalogueFixture()
        let hits = try fixture.client().search("csv")
        #expect(hits.first?.skill.name == "csv-tool")
        let outcomes = try fixture.install("csv-tool@^1.0")
        #expect(outcomes.map(\.name) == ["csv-tool"])
        let installed = try #require(try SkillStore.reader(home: fixture.home)?.list().first)
        #expect(installed.signer != nil)
        #expect(installed.source.hasSuffix("archives/csv-tool-1.0.0.skill"))
    }

    @Test func packingIsDeterministic() throws {
        let fixture = try CatalogueFixture()
        let first = try Data(contentsOf: URL(fileURLWithPath: fixture.catalogue + "/archives/csv-tool-1.0.0.skill"))
        try CatalogueBuilder.build(skills: fixture.skills, catalogue: fixture.root + "/second", keys: fixture.keys)
        let second = try Data(contentsOf: URL(fileURLWithPath: fixture.root + "/second/archives/csv-tool-1.0.0.skill"))
        #expect(first == second)
    }

    @Test func highestMatchingVersionAndRequirements() throws {
        let fixture = try CatalogueFixture()
        try fixture.writeSkill("csv-tool", version: "1.2.0")
        try CatalogueBuilder.build(skills: fixture.skills, catalogue: fixture.catalogue, keys: fixture.keys)
        try fixture.writeSkill("csv-tool", version: "2.0.0")
        try fixture.writeSkill("report", version: "1.0.0", requires: ["json-tool"])
        try CatalogueBuilder.build(skills: fixture.skills, catalogue: fixture.catalogue, keys: fixture.keys)
        let client = try fixture.client()
        try client.refresh()
        #expect(try client.resolve("csv-tool@~1.0").map(\.release.version) == ["1.0.0"])
        #expect(try client.resolve("csv-tool@^1").map(\.release.version) == ["1.2.0"])
        #expect(try client.resolve("csv-tool").map(\.release.version) == ["2.0.0"])
        #expect(try client.resolve("report").map(\.skill.name) == ["json-tool", "report"])
    }

    @Test func publishRefusesAnExistingVersion() throws {
        let fixture = try CatalogueFixture()
        try fixture.writeSkill("csv-tool", version: "1.0.0", body: "Different content.")
        #expect(throws: MarketError.self) {
            try CatalogueBuilder.publish(skill: fixture.skills + "/csv-tool", catalogue: fixture.catalogue, keys: fixture.keys)
        }
        #expect(throws: MarketError.self) {
            try CatalogueBuilder.build(skills: fixture.skills, catalogue: fixture.catalogue, keys: fixture.keys)
        }
    }

    @Test func requirementCyclesAreRefused() throws {
        let fixture = try CatalogueFixture()
        try fixture.writeSkill("alpha", version: "1.0.0", requires: ["beta"])
        try fixture.writeSkill("beta", version: "1.0.0", requires: ["alpha"])
        try CatalogueBuilder.build(skills: fixture.skills, catalogue: fixture.catalogue, keys: fixture.keys)
        let client = try fixture.client()
        try client.refresh()
        #expect {
            try client.resolve("alpha")
        } throws: { error in
            if case MarketError.dependencyCycle = error { return true }
            return false
        }
    }
}

/// Each attack is refused with a clear error and nothing is installed.
@Suite struct CatalogueAttackTests {
    func expectRefused(_ fixture: CatalogueFixture, _ specification: String = "csv-tool",
                       sourceLocation: SourceLocation = #_sourceLocation, _ matches: @escaping (MarketError) -> Bool) throws
    {
        do {
            let client = try fixture.client()
            try client.refresh()
            _ = try fixture.install(specification)
            Issue.record("the attack was not refused", sourceLocation: sourceLocation)
        } catch let error as MarketError {
            let expected = matches(error)
            #expect(expected, "unexpected error: \(error)", sourceLocation: sourceLocation)
        }
        #expect(try fixture.installedNames().isEmpty, "something was installed", sourceLocation: sourceLocation)
    }

    @Test func tamperedArchive() throws {
        let fixture = try CatalogueFixture()
        try fixture.modify("archives/csv-tool-1.0.0.skill") { data in data[data.count / 2] ^= 0xFF }
        try expectRefused(fixture) { if case .hashMismatch = $0 { return true }; return false }
    }

    @Test func archiveLargerThanDeclared() throws {
        let fixture = try CatalogueFixture()
        try fixture.modify("archives/csv-tool-1.0.0.skill") { data in data.append(Data(repeating: 0, count: 4096)) }
        try expectRefused(fixture) { if case .sizeMismatch = $0 { return true }; return false }
    }

    @Test func tamperedIndex() throws {
        let fixture = try CatalogueFixture()
        try fixture.modify("index.json") { data in
            data = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "json-tool skill", with: "json-tool SKILL").utf8)
        }
        try expectRefused(fixture) { if case .badSignature = $0 { return true }; return false }
    }

    @Test func missingSignature() throws {
        let fixture = try CatalogueFixture()
        try FileManager.default.removeItem(atPath: fixture.catalogue + "/index.json.sig")
        try expectRefused(fixture) { if case .badSignature = $0 { return true }; return false }
    }

    @Test func garbageSignature() throws {
        let fixture = try CatalogueFixture()
        try Data("{\"keyid\":\"x\",\"signature\":\"AAAA\"}".utf8).write(to: URL(fileURLWithPath: fixture.catalogue + "/keys.json.sig"))
        try expectRefused(fixture) { if case .badSignature = $0 { return true }; return false }
    }

    @Test func indexSignedByAnUnlistedKey() throws {
        let fixture = try CatalogueFixture()
        let rogue = try CatalogueBuilder.generateKeys(in: fixture.root + "/rogue")
        _ = rogue
        let rogueKey = try SigningKey.load(fixture.root + "/rogue/index.key")
        let index = try Data(contentsOf: URL(fileURLWithPath: fixture.catalogue + "/index.json"))
        let signature: JSONValue = ["keyid": .string(rogueKey.publicKey.keyID), "signature": .string(try rogueKey.sign(index).base64EncodedString())]
        try signature.encodedData().write(to: URL(fileURLWithPath: fixture.catalogue + "/index.json.sig"))
        try expectRefused(fixture) { if case .untrustedKey = $0 { return true }; return false }
    }

    @Test func wrongPinnedRootKey() throws {
        let fixture = try CatalogueFixture()
        let other = try CatalogueBuilder.generateKeys(in: fixture.root + "/other").root
        try MarketConfiguration(sources: [CatalogueSource(name: "test", url: URL(fileURLWithPath: fixture.catalogue), rootKey: other)]).save(home: fixture.home)
        try expectRefused(fixture) { if case .badSignature = $0 { return true }; return false }
    }

    @Test func expiredIndex() throws {
        let fixture = try CatalogueFixture()
        try CatalogueBuilder.build(skills: fixture.skills, catalogue: fixture.catalogue, keys: fixture.keys, validDays: -1)
        try expectRefused(fixture) { if case .expired = $0 { return true }; return false }
    }

    @Test func olderIndexReplayed() throws {
        let fixture = try CatalogueFixture()
        let saved = fixture.root + "/old"
        try FileManager.default.copyItem(atPath: fixture.catalogue, toPath: saved)
        try CatalogueBuilder.build(skills: fixture.skills, catalogue: fixture.catalogue, keys: fixture.keys)
        try fixture.client().refresh()  // the client has now seen version 2
        try FileSystem.removeTree(fixture.catalogue)
        try FileManager.default.moveItem(atPath: saved, toPath: fixture.catalogue)
        try expectRefused(fixture) { if case .rollback = $0 { return true }; return false }
    }

    @Test func maliciousArchiveUnderAValidSignatureIsStillExtractedSafely() throws {
        let fixture = try CatalogueFixture()
        // A catalogue owner who signs a zip-slip archive: the signature is fine, the store refuses it.
        let slip = fixture.root + "/slip.skill"
        let zip = Process()
        zip.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        zip.arguments = ["-c", "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.writestr('csv-tool/SKILL.md','---\\nname: csv-tool\\ndescription: d\\n---\\n'); z.writestr('../../escape.txt','x'); z.close()", slip]
        try zip.run()
        zip.waitUntilExit()
        try FileManager.default.removeItem(atPath: fixture.catalogue + "/archives/csv-tool-1.0.0.skill")
        try FileManager.default.copyItem(atPath: slip, toPath: fixture.catalogue + "/archives/csv-tool-1.0.0.skill")
        let data = try Data(contentsOf: URL(fileURLWithPath: slip))
        var index = try JSONValue.parse(bytes: Data(contentsOf: URL(fileURLWithPath: fixture.catalogue + "/index.json")))
        guard case .object(var top) = index, case .array(var skills)? = top["skills"] else { Issue.record("index shape"); return }
        for (position, skill) in skills.enumerated() where skill["name"] == "csv-tool" {
            guard case .object(var object) = skill, case .array(var versions)? = object["versions"], case .object(var release) = versions[0] else { continue }
            release["sha256"] = .string(SHA256Hex.of(data))
            release["size"] = .number(JSONNumber(data.count))
            versions[0] = .object(release)
            object["versions"] = .array(versions)
            skills[position] = .object(object)
        }
        top["skills"] = .array(skills)
        index = .object(top)
        let indexData = index.encodedData(.pretty)
        try indexData.write(to: URL(fileURLWithPath: fixture.catalogue + "/index.json"))
        let key = try SigningKey.load(fixture.keys + "/index.key")
        let signature: JSONValue = ["keyid": .string(key.publicKey.keyID), "signature": .string(try key.sign(indexData).base64EncodedString())]
        try signature.encodedData().write(to: URL(fileURLWithPath: fixture.catalogue + "/index.json.sig"))
        try expectRefused(fixture) { if case .store(.badTree) = $0 { return true }; return false }
        #expect(!FileManager.default.fileExists(atPath: fixture.root + "/escape.txt"))
    }
}
