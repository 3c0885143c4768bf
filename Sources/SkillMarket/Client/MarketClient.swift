import Foundation
import MementoCore
import SkillStore

/// A catalogue the user trusts: where it is and the root key pinned for it.
public struct CatalogueSource: Hashable, Sendable {
    public var name: String
    public var url: URL
    public var rootKey: PublicKey

    public init(name: String, url: URL, rootKey: PublicKey) {
        self.name = name
        self.url = url
        self.rootKey = rootKey
    }

    var json: JSONValue { ["name": .string(name), "url": .string(url.absoluteString), "root_key": .string(rootKey.base64)] }

    /// Archive and shard URLs in the index are relative to this.
    public var indexURL: URL { url.appendingPathComponent("index.json") }
}

/// `$MEMENTO_HOME/config.json`: the catalogue sources, in priority order.
public struct MarketConfiguration: Sendable {
    public var sources: [CatalogueSource]

    public init(sources: [CatalogueSource]) { self.sources = sources }

    public static func path(home: String) -> String { home + "/config.json" }

    public static func load(home: String) throws(MarketError) -> MarketConfiguration {
        let path = path(home: home)
        guard let data = FileManager.default.contents(atPath: path) else { return MarketConfiguration(sources: []) }
        let root: JSONValue
        do { root = try JSONValue.parse(bytes: data) } catch { throw .source("\(path): \(error)") }
        var sources: [CatalogueSource] = []
        for item in root["sources"]?.arrayValue ?? [] {
            guard let name = item["name"]?.stringValue, let text = item["url"]?.stringValue, let url = URL(string: text),
                  let key = item["root_key"]?.stringValue
            else { throw .source("\(path): each source needs \"name\", \"url\" and \"root_key\"") }
            sources.append(CatalogueSource(name: name, url: url, rootKey: try PublicKey(base64: key)))
        }
        return MarketConfiguration(sources: sources)
    }

    public func save(home: String) throws(MarketError) {
        var root: JSONValue = [:]
        let path = MarketConfiguration.path(home: home)
        if let data = FileManager.default.contents(atPath: path), let existing = try? JSONValue.parse(bytes: data) { root = existing }
        guard case .object(var members) = root else { throw .source("\(path) is not a JSON object") }
        members["sources"] = .array(sources.map(\.json))
        do {
            try FileSystem.makeDirectories(home)
            try FileSystem.writeAtomically(JSONValue.object(members).encodedData(.pretty), to: path)
        } catch {
            throw .io("\(error)")
        }
    }
}

/// A release chosen from a catalogue, with where to fetch it from.
public struct ResolvedRelease: Hashable, Sendable {
    public let source: CatalogueSource
    public let skill: CatalogueSkill
    public let release: CatalogueRelease
    public let signer: String

    public var archiveURL: URL { URL(string: release.url, relativeTo: source.indexURL)?.absoluteURL ?? source.url }
}

/// One source's verified index, as the last refresh checked and stored it.
public struct SourceIndex: Sendable {
    public let source: CatalogueSource
    public let document: IndexDocument
    public let signer: String
}

/// The catalogue client: verified index refresh, search, resolution and installs.
public final class MarketClient {
    public let home: String
    public let configuration: MarketConfiguration
    let fetcher: Fetcher
    /// Skills of the shards read so far, by shard sha256: a resolve visits a shard once.
    private var shardSkills: [String: [CatalogueSkill]] = [:]

    public init(home: String, fetcher: Fetcher = Fetcher()) throws(MarketError) {
        self.home = home
        self.configuration = try MarketConfiguration.load(home: home)
        self.fetcher = fetcher
    }

    func stateDirectory(_ source: CatalogueSource) -> String { home + "/market/" + source.name }

    /// Verified shards, by sha256, so a shard is fetched once per index version that names it.
    func shardCache(_ source: CatalogueSource) -> String { stateDirectory(source) + "/shards" }

    /// Fetches and checks keys.json and index.json of every source, in the order the notes give:
    /// root signature, keys version and expiry; index signature by a listed key, index version
    /// (never lower than seen) and expiry. Only then is the new index trusted and cached. The shards
    /// of a sharded index are fetched later, when a command needs them, each against its hash here.
    @discardableResult
    public func refresh() throws(MarketError) -> [SourceIndex] {
        guard !configuration.sources.isEmpty else {
            throw .source("no catalogue is configured; add one with `memento market add-source NAME URL --root-key KEY`")
        }
        var result: [SourceIndex] = []
        for source in configuration.sources { result.append(try refresh(source)) }
        return result
    }

    func refresh(_ source: CatalogueSource) throws(MarketError) -> SourceIndex {
        let base = source.url
        let keysData = try fetcher.fetch(base.appendingPathComponent("keys.json"), limit: 1 << 20)
        let keysSignature = try signature(at: base.appendingPathComponent("keys.json.sig"))
        guard source.rootKey.isValid(signature: keysSignature.signature, for: keysData) else {
            throw .badSignature("\(source.name): keys.json is not signed by the pinned root key \(source.rootKey.keyID)")
        }
        let keys = try CatalogueKeys(json: try CatalogueJSON.parse(keysData, "keys.json"), file: "\(source.name)/keys.json")
        let state = TrustState.load(stateDirectory(source))
        if keys.version < state.keysVersion {
            throw .rollback(file: "\(source.name)/keys.json", seen: state.keysVersion, offered: keys.version)
        }
        if keys.expires < Date() { throw .expired("\(source.name): keys.json expired at \(Timestamp.format(keys.expires))") }

        let indexData = try fetcher.fetch(source.indexURL, limit: 64 << 20)
        let indexSignature = try signature(at: base.appendingPathComponent("index.json.sig"))
        guard let signer = keys.indexKeys.first(where: { $0.keyID == indexSignature.keyID }) else {
            throw .untrustedKey("\(source.name): index.json is signed by key \(indexSignature.keyID), which keys.json does not list")
        }
        guard signer.isValid(signature: indexSignature.signature, for: indexData) else {
            throw .badSignature("\(source.name): index.json does not match its signature")
        }
        let index = try IndexDocument(json: try CatalogueJSON.parse(indexData, "index.json"), file: "\(source.name)/index.json")
        if index.version < state.indexVersion {
            throw .rollback(file: "\(source.name)/index.json", seen: state.indexVersion, offered: index.version)
        }
        if index.expires < Date() { throw .expired("\(source.name): index.json expired at \(Timestamp.format(index.expires))") }
        try TrustState(indexVersion: index.version, keysVersion: keys.version, signer: signer.keyID)
            .save(stateDirectory(source), index: indexData)
        try pruneShardCache(source, keeping: index)
        return SourceIndex(source: source, document: index, signer: signer.keyID)
    }

    /// Drops cached shards the new index no longer names, so the cache stays one index's size.
    func pruneShardCache(_ source: CatalogueSource, keeping index: IndexDocument) throws(MarketError) {
        var keep: Set<String> = []
        if case .sharded(let sharded) = index { keep = Set(sharded.shards.map { $0.sha256 + ".json" }) }
        do { try FileSystem.removeEntries(of: shardCache(source), except: keep) } catch { throw .io("\(error)") }
    }

    func signature(at url: URL) throws(MarketError) -> DetachedSignature {
        let data: Data
        do {
            data = try fetcher.fetch(url, limit: 64 << 10)
        } catch {
            throw .badSignature("\(url.lastPathComponent) is missing or unreadable (\(error))")
        }
        return try DetachedSignature(json: try CatalogueJSON.parse(data, url.lastPathComponent), file: url.lastPathComponent)
    }

    /// The verified indexes from the last refresh, refreshing once if there are none yet.
    public func indexes() throws(MarketError) -> [SourceIndex] {
        var cached: [SourceIndex] = []
        for source in configuration.sources {
            let directory = stateDirectory(source)
            guard let index = MarketClient.storedIndex(directory) else { return try refresh() }
            cached.append(SourceIndex(source: source, document: index, signer: TrustState.load(directory).signer))
        }
        return cached
    }

    /// The index a refresh verified and stored, or nil when there is none (or it is unreadable).
    static func storedIndex(_ directory: String) -> IndexDocument? {
        guard let data = FileManager.default.contents(atPath: directory + "/index.json"),
              let json = try? JSONValue.parse(bytes: data)
        else { return nil }
        return try? IndexDocument(json: json, file: "index.json")
    }

    /// Every skill of one source; a sharded index has the shards it lacks fetched, 4 at a time.
    public func skills(in index: SourceIndex) throws(MarketError) -> [CatalogueSkill] {
        let sharded: ShardedIndex
        switch index.document {
        case .whole(let whole): return whole.skills
        case .sharded(let document): sharded = document
        }
        let loader = shardLoader(index, sharded)
        let missing = sharded.shards.filter { shardSkills[$0.sha256] == nil }
        for (reference, result) in zip(missing, MarketClient.concurrently(missing, width: 4, loader.load)) {
            shardSkills[reference.sha256] = try result.get()
        }
        return sharded.shards.flatMap { shardSkills[$0.sha256] ?? [] }
    }

    /// One skill of one source; a sharded index needs only the shard whose prefix covers the name.
    public func skill(named name: String, in index: SourceIndex) throws(MarketError) -> CatalogueSkill? {
        switch index.document {
        case .whole(let whole):
            return whole.skill(named: name)
        case .sharded(let sharded):
            guard let reference = sharded.shard(for: name) else { return nil }
            if shardSkills[reference.sha256] == nil { shardSkills[reference.sha256] = try shardLoader(index, sharded).load(reference) }
            return shardSkills[reference.sha256]?.first { $0.name == name }
        }
    }

    private func shardLoader(_ index: SourceIndex, _ sharded: ShardedIndex) -> ShardLoader {
        ShardLoader(fetcher: fetcher, indexURL: index.source.indexURL, cache: shardCache(index.source), index: sharded)
    }

    /// The first source, in configuration order, that has a skill of this name.
    func find(_ name: String, in indexes: [SourceIndex]) throws(MarketError) -> (SourceIndex, CatalogueSkill)? {
        for index in indexes {
            if let skill = try skill(named: name, in: index) { return (index, skill) }
        }
        return nil
    }

    /// Sources whose last verified index has expired, with when: searches and installs from them
    /// are refused until the catalogue owner re-signs it and a refresh succeeds.
    public func expiredSources(now: Date = Date()) -> [(name: String, expired: Date)] {
        configuration.sources.compactMap { source in
            guard let index = MarketClient.storedIndex(stateDirectory(source)), index.expires < now else { return nil }
            return (source.name, index.expires)
        }
    }

    /// Ranked search over names and descriptions of the local copy of every index.
    public func search(_ query: String) throws(MarketError) -> [SearchHit] {
        var candidates: [(String, CatalogueSkill)] = []
        for index in try indexes() {
            for skill in try skills(in: index) { candidates.append((index.source.name, skill)) }
        }
        return SearchRanking.rank(query: query, skills: candidates)
    }

    /// The highest matching release of `name`, and of everything it requires; cycles are refused.
    public func resolve(_ specification: String) throws(MarketError) -> [ResolvedRelease] {
        let indexes = try indexes()
        var order: [ResolvedRelease] = []
        var visiting: [String] = []
        func visit(_ name: String, _ rangeText: String) throws(MarketError) {
            if visiting.contains(name) { throw .dependencyCycle(visiting + [name]) }
            if order.contains(where: { $0.skill.name == name }) { return }
            let range: VersionRange
            do { range = try VersionRange(parsing: rangeText) } catch { throw .source("\(error)") }
            guard let (index, skill) = try find(name, in: indexes) else { throw .notInCatalogue(name) }
            guard let release = skill.best(matching: range) else {
                throw .noMatchingVersion(name: name, range: rangeText, available: skill.releases.map(\.version))
            }
            visiting.append(name)
            for requirement in release.requires { try visit(requirement.name, requirement.version) }
            visiting.removeLast()
            order.append(ResolvedRelease(source: index.source, skill: skill, release: release, signer: index.signer))
        }
        let parts = specification.split(separator: "@", maxSplits: 1)
        try visit(String(parts[0]), parts.count > 1 ? String(parts[1]) : "*")
        return order
    }

    /// Downloads (or reuses the cached archive), checks size and sha256 against the signed index
    /// before anything is extracted, then installs through the store with the tree hash enforced.
    /// `prefetched` is an archive `fetchArchives` already brought in.
    public func install(_ resolved: ResolvedRelease, into store: SkillStore, gate: InstallGate? = nil,
                        prefetched: FetchedArchive? = nil,
                        progress: ((Int64, Int64) -> Void)? = nil) throws(MarketError) -> InstallOutcome
    {
        let archive: FetchedArchive
        if let prefetched {
            archive = prefetched
        } else {
            archive = try fetchArchive(resolved, for: store, progress: progress)
        }
        defer { if archive.temporary { try? FileSystem.unlink(archive.path) } }
        let release = resolved.release
        let request = InstallRequest(path: archive.path, source: resolved.archiveURL.absoluteString, signer: resolved.signer,
                                     expectedTreeSha256: release.treeSha256, expectedArchiveSha256: release.sha256)
        do {
            return try store.install(request, gate: gate)
        } catch {
            throw .store(error)
        }
    }

    /// A local file with the release's exact bytes: the cached blob, or a fresh download whose
    /// size and sha256 match the signed index. A temporary download is the caller's to remove.
    public func fetchArchive(_ resolved: ResolvedRelease, for store: SkillStore,
                             progress: ((Int64, Int64) -> Void)? = nil) throws(MarketError) -> FetchedArchive
    {
        try MarketClient.fetch(resolved, layout: store.layout, fetcher: fetcher, progress: progress)
    }

    /// Fetches several archives at once (at most `width` transfers), for installs of several
    /// skills; each result, in the order of `releases`, is an archive or the error that refused it.
    /// A release listed more than once (a requirement shared by two skills) is fetched once and its
    /// result given at each place: two transfers of the same archive would write the same
    /// staging file.
    public func fetchArchives(_ releases: [ResolvedRelease], for store: SkillStore, width: Int = 4) -> [Result<FetchedArchive, MarketError>] {
        let layout = store.layout
        let fetcher = fetcher
        var distinct: [ResolvedRelease] = []
        var slots: [String: Int] = [:]
        // For each release, the place of its fetch in `distinct`.
        let positions = releases.map { release in
            if let slot = slots[release.release.sha256] { return slot }
            slots[release.release.sha256] = distinct.count
            distinct.append(release)
            return distinct.count - 1
        }
        let results = MarketClient.concurrently(distinct, width: width) { release throws(MarketError) in
            try MarketClient.fetch(release, layout: layout, fetcher: fetcher, progress: nil)
        }
        return positions.map { results[$0] }
    }

    /// `work` on every item, at most `width` at a time; each result is a value or the error.
    static func concurrently<Item: Sendable, Value: Sendable>(_ items: [Item], width: Int,
                                                              _ work: @escaping @Sendable (Item) throws(MarketError) -> Value)
        -> [Result<Value, MarketError>]
    {
        let results = ResultSlots<Value>(count: items.count)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = max(1, width)
        for (index, item) in items.enumerated() {
            queue.addOperation { results.set(index, Result { () throws(MarketError) -> Value in try work(item) }) }
        }
        queue.waitUntilAllOperationsAreFinished()
        return results.values
    }

    static func fetch(_ resolved: ResolvedRelease, layout: StoreLayout, fetcher: Fetcher,
                      progress: ((Int64, Int64) -> Void)?) throws(MarketError) -> FetchedArchive
    {
        let release = resolved.release
        let cached = layout.blob(release.sha256)
        if FileSystem.exists(cached) { return FetchedArchive(path: cached, temporary: false) }
        let download = layout.staging + "/download-\(getpid())-\(release.sha256.prefix(12))"
        let partials = layout.store + "/downloads"
        do { try FileSystem.makeDirectories(partials) } catch { throw .io("\(error)") }
        try fetcher.download(resolved.archiveURL, to: download, partial: partials + "/\(release.sha256).partial",
                             expectedSize: release.size, progress: progress)
        let actual: String
        do { actual = try SHA256Hex.ofFile(atPath: download) } catch { throw .io("\(error)") }
        guard actual == release.sha256 else {
            try? FileSystem.unlink(download)
            // A resumed download that does not add up must start from scratch next time.
            try? FileSystem.unlink(partials + "/\(release.sha256).partial")
            throw .hashMismatch(url: resolved.archiveURL.absoluteString, expected: release.sha256, actual: actual)
        }
        return FetchedArchive(path: download, temporary: true)
    }
}

/// An archive on local disk, checked against the signed index.
public struct FetchedArchive: Sendable {
    public let path: String
    /// A download in staging, to remove after use (the blob cache keeps its own copy on install).
    public let temporary: Bool
}

/// Results written by concurrent work, one slot each.
private final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, MarketError>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<Value, MarketError>) {
        lock.withLock { slots[index] = value }
    }

    var values: [Result<Value, MarketError>] {
        lock.withLock { slots.map { $0 ?? .failure(.io("a download did not finish")) } }
    }
}

/// Reads a shard of a verified sharded index: from the local cache when a file there still has the
/// sha256 the signed index gives, else from the catalogue with the signed size as a hard limit.
/// Only bytes whose sha256 matches are parsed, cached or used.
struct ShardLoader: Sendable {
    let fetcher: Fetcher
    let indexURL: URL
    let cache: String
    let index: ShardedIndex

    @Sendable func load(_ reference: ShardReference) throws(MarketError) -> [CatalogueSkill] {
        let cached = cache + "/" + reference.sha256 + ".json"
        // A cached copy that no longer verifies (damaged on disk) is fetched again, not refused.
        if let data = FileManager.default.contents(atPath: cached),
           let shard = try? CatalogueShard(verifying: data, reference: reference, in: index, source: cached)
        {
            return shard.skills
        }
        guard let url = URL(string: reference.path, relativeTo: indexURL)?.absoluteURL else {
            throw .malformedIndex("index.json: the shard path '\(reference.path)' is not a URL path")
        }
        let data: Data
        do {
            data = try fetcher.fetch(url, limit: reference.size)
        } catch {
            // The likeliest cause is a local index.json older than the catalogue, whose shards are gone.
            guard case .fetch(let url, let reason) = error else { throw error }
            throw .fetch(url: url, reason: reason + "; `memento search --refresh` fetches the catalogue's current index")
        }
        let skills = try CatalogueShard(verifying: data, reference: reference, in: index, source: url.absoluteString).skills
        do {
            try FileSystem.makeDirectories(cache)
            try FileSystem.writeAtomically(data, to: cached)
        } catch {
            throw .io("\(error)")
        }
        return skills
    }
}

/// What the client remembers per source: the highest versions seen (rollback protection).
struct TrustState {
    var indexVersion: Int
    var keysVersion: Int
    var signer: String

    static func load(_ directory: String) -> TrustState {
        guard let data = FileManager.default.contents(atPath: directory + "/state.json"),
              let json = try? JSONValue.parse(bytes: data)
        else { return TrustState(indexVersion: 0, keysVersion: 0, signer: "") }
        return TrustState(indexVersion: Int(json["index_version"]?.int64Value ?? 0), keysVersion: Int(json["keys_version"]?.int64Value ?? 0),
                          signer: json["signer"]?.stringValue ?? "")
    }

    func save(_ directory: String, index: Data) throws(MarketError) {
        let state: JSONValue = ["index_version": .number(JSONNumber(indexVersion)), "keys_version": .number(JSONNumber(keysVersion)),
                                "signer": .string(signer)]
        do {
            try FileSystem.makeDirectories(directory)
            try FileSystem.writeAtomically(index, to: directory + "/index.json")
            try FileSystem.writeAtomically(state.encodedData(.pretty), to: directory + "/state.json")
        } catch {
            throw .io("\(error)")
        }
    }
}

/// An installed skill that a catalogue has a newer release of.
public struct AvailableUpdate: Sendable {
    public let installed: InstalledSkill
    public let latest: ResolvedRelease
}

extension MarketClient {
    /// Installed skills whose catalogue has a newer release, from the local copy of the indexes.
    public func updates(for installed: [InstalledSkill]) throws(MarketError) -> [AvailableUpdate] {
        let indexes = try indexes()
        var found: [AvailableUpdate] = []
        for skill in installed {
            guard let current = try? SemanticVersion(parsing: skill.version),
                  let (index, entry) = try find(skill.name, in: indexes), let best = entry.best(matching: .any),
                  let latest = best.semanticVersion, latest > current
            else { continue }
            found.append(AvailableUpdate(installed: skill, latest: ResolvedRelease(source: index.source, skill: entry, release: best, signer: index.signer)))
        }
        return found
    }
}
