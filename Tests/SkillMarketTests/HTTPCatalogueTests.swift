import Foundation
import MementoCore
import SkillMarket
import SkillStore
import Testing
import TestSupport

/// The catalogue served by a real nginx on 127.0.0.1.
@Suite(.serialized) struct HTTPCatalogueTests {
    func serve(_ fixture: CatalogueFixture, rate: String = "0") throws -> Nginx {
        let nginx = try Nginx(serving: fixture.catalogue, rate: rate)
        try MarketConfiguration(sources: [CatalogueSource(name: "http", url: nginx.url, rootKey: fixture.rootKey)]).save(home: fixture.home)
        return nginx
    }

    func install(_ fixture: CatalogueFixture, _ name: String, fetcher: Fetcher) throws -> [InstallOutcome] {
        let client = try MarketClient(home: fixture.home, fetcher: fetcher)
        try client.refresh()
        let store = try SkillStore.writer(home: fixture.home)
        var outcomes: [InstallOutcome] = []
        for release in try client.resolve(name) { outcomes.append(try client.install(release, into: store)) }
        return outcomes
    }

    @Test(.timeLimit(.minutes(1))) func installOverHTTP() throws {
        let fixture = try CatalogueFixture()
        let nginx = try serve(fixture)
        let outcomes = try install(fixture, "json-tool", fetcher: Fetcher())
        #expect(outcomes.map(\.name) == ["json-tool"])
        #expect(try SkillStore.reader(home: fixture.home)?.list().first?.source.hasPrefix(nginx.url.absoluteString) == true)
    }

    @Test(.timeLimit(.minutes(1))) func serverErrorThenRecovery() throws {
        let fixture = try CatalogueFixture()
        let nginx = try serve(fixture)
        try nginx.failing(true)
        #expect(throws: MarketError.self) { try install(fixture, "csv-tool", fetcher: Fetcher(attempts: 2, backoff: 0.05)) }
        #expect(try fixture.installedNames().isEmpty)
        // The server recovers while the client is backing off: the retry succeeds.
        let flag = nginx.failFlag
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { try? FileManager.default.removeItem(atPath: flag) }
        let outcomes = try install(fixture, "csv-tool", fetcher: Fetcher(attempts: 6, backoff: 0.2))
        #expect(outcomes.map(\.name) == ["csv-tool"])
    }

    @Test(.timeLimit(.minutes(1))) func truncatedDownloadIsRefusedThenResumed() throws {
        let fixture = try CatalogueFixture(skills: [("big-tool", "1.0.0")])
        // Make the archive big enough to matter, then serve only its first half.
        try fixture.writeSkill("big-tool", version: "1.1.0", body: (0..<4000).map { "line \($0) \(UInt64($0) &* 2654435761)" }.joined(separator: "\n"))
        try CatalogueBuilder.build(skills: fixture.skills, catalogue: fixture.catalogue, keys: fixture.keys)
        let archive = fixture.catalogue + "/archives/big-tool-1.1.0.skill"
        let full = try Data(contentsOf: URL(fileURLWithPath: archive))
        try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: archive))
        let nginx = try serve(fixture)
        defer { withExtendedLifetime(nginx) {} }
        #expect(throws: MarketError.self) { try install(fixture, "big-tool", fetcher: Fetcher(attempts: 2, backoff: 0.05)) }
        #expect(try fixture.installedNames().isEmpty)
        let partial = try #require(try FileManager.default.contentsOfDirectory(atPath: fixture.home + "/store/downloads").first)
        #expect(FileSystem.linkStatus(fixture.home + "/store/downloads/" + partial)?.st_size == off_t(full.count / 2))
        // The whole file is back: the next install asks for the rest with a Range request.
        try full.write(to: URL(fileURLWithPath: archive))
        let outcomes = try install(fixture, "big-tool", fetcher: Fetcher(attempts: 2, backoff: 0.05))
        #expect(outcomes.first?.version == "1.1.0")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.home + "/store/downloads").isEmpty)
    }

    @Test(.timeLimit(.minutes(1))) func archiveLargerThanDeclaredIsCutOff() throws {
        let fixture = try CatalogueFixture()
        try fixture.modify("archives/csv-tool-1.0.0.skill") { data in data.append(Data(repeating: 0, count: 1 << 20)) }
        let nginx = try serve(fixture)
        defer { withExtendedLifetime(nginx) {} }
        #expect {
            try install(fixture, "csv-tool", fetcher: Fetcher(attempts: 1, backoff: 0))
        } throws: { error in
            if case MarketError.sizeMismatch = error { return true }
            return false
        }
        #expect(try fixture.installedNames().isEmpty)
    }

    @Test(.timeLimit(.minutes(1))) func theSameArchiveIsNeverDownloadedTwice() throws {
        let fixture = try CatalogueFixture()
        let nginx = try serve(fixture)
        _ = try install(fixture, "csv-tool", fetcher: Fetcher())
        _ = try SkillStore.writer(home: fixture.home).uninstall("csv-tool")
        // With the server refusing archives, a reinstall still works from the blob cache.
        try nginx.failing(true)
        let outcomes = try install(fixture, "csv-tool", fetcher: Fetcher(attempts: 1, backoff: 0))
        #expect(outcomes.map(\.name) == ["csv-tool"])
    }
}
