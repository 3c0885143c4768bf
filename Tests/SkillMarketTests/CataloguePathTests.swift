import Testing
@testable import SkillMarket

/// Shard paths come from a catalogue's index; they must stay inside the catalogue, checked as the
/// bytes a URL or the filesystem will use.
@Suite("Catalogue shard paths")
struct CataloguePathTests {
    @Test(arguments: ["shards/0123.json", "a/b/c.json", "shards/caf\u{E9}.json"])
    func relativePathsInsideTheCatalogueAreAccepted(_ path: String) {
        #expect(ShardReference.isCataloguePath(path))
    }

    @Test(arguments: [
        "", "/etc/passwd", "../x.json", "a/../../x.json", "a//b.json", "./a.json", "a?b", "a#b", "a%2e%2e/b", "a\\b",
        "https://evil.example/x", "../\u{301}x.json", "shards/..\u{301}/../x", "http:\u{301}//evil/x",
    ])
    func pathsThatLeaveItAreRefused(_ path: String) {
        #expect(!ShardReference.isCataloguePath(path), "\(path.unicodeScalars.map { String($0.value, radix: 16) })")
    }
}
