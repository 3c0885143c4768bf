import Foundation
import MementoCore
import SkillStore
import ZIPFoundation

/// Writes catalogues: packs skill folders into archives and signs the index. Static files only,
/// so any web server, CDN, object store or a `file://` URL can serve the result.
public enum CatalogueBuilder {
    public static let rootKeyFile = "root.key"
    public static let indexKeyFile = "index.key"

    /// Creates a root key (offline; it signs keys.json) and an index key (signs index.json).
    public static func generateKeys(in directory: String) throws(MarketError) -> (root: PublicKey, index: PublicKey) {
        do { try FileSystem.makeDirectories(directory, permissions: 0o700) } catch { throw .io("\(error)") }
        var made: [PublicKey] = []
        for name in ["root", "index"] {
            let keyPath = directory + "/\(name).key"
            guard !FileSystem.exists(keyPath) else { throw .badKey("\(keyPath) already exists; keys are never overwritten") }
            let key = SigningKey()
            do {
                try FileSystem.writeAtomically(Data((key.base64 + "\n").utf8), to: keyPath, permissions: 0o600)
                try FileSystem.writeAtomically(Data((key.publicKey.base64 + "\n").utf8), to: directory + "/\(name).pub")
            } catch {
                throw .io("\(error)")
            }
            made.append(key.publicKey)
        }
        return (made[0], made[1])
    }

    /// Past this many skills the index is sharded by name prefix, at most this many per shard.
    /// A skill entry is about 0.6 KB (one version; each further version adds about 0.4 KB), so
    /// an unsharded index stays near 300 KB, and a client installing one skill from a catalogue of
    /// 100,000 fetches one shard of at most that size instead of a 60 MB index.
    public static let defaultShardSize = 500

    /// Packs every skill folder under `skills` into `catalogue/archives` and signs a new index.
    /// Versions already in the catalogue are kept; a folder whose version is published with other
    /// content is refused, because a published version never changes. A nil `shardSize` keeps the
    /// one the current sharded index records, else `defaultShardSize`.
    @discardableResult
    public static func build(skills: String, catalogue: String, keys: String, validDays: Int = 90,
                             shardSize: Int? = nil) throws(MarketError) -> BuiltCatalogue
    {
        let folders: [String]
        do {
            folders = try FileSystem.entries(of: skills).sorted().map { skills + "/" + $0 }.filter(FileSystem.isDirectory)
        } catch {
            throw .io("\(error)")
        }
        return try update(catalogue: catalogue, keys: keys, validDays: validDays, shardSize: shardSize) { index throws(MarketError) in
            for folder in folders { try add(folder, to: &index, catalogue: catalogue, refuseExisting: false) }
        }
    }

    /// Adds one skill version; refuses a version that is already published. `shardSize` as for build.
    @discardableResult
    public static func publish(skill folder: String, catalogue: String, keys: String, validDays: Int = 90,
                               shardSize: Int? = nil) throws(MarketError) -> BuiltCatalogue
    {
        try update(catalogue: catalogue, keys: keys, validDays: validDays, shardSize: shardSize) { index throws(MarketError) in
            try add(folder, to: &index, catalogue: catalogue, refuseExisting: true)
        }
    }

    static func update(catalogue: String, keys: String, validDays: Int, shardSize requested: Int?,
                       _ change: (inout CatalogueIndex) throws(MarketError) -> Void) throws(MarketError) -> BuiltCatalogue
    {
        let rootKey = try SigningKey.load(keys + "/" + rootKeyFile)
        let indexKey = try SigningKey.load(keys + "/" + indexKeyFile)
        do { try FileSystem.makeDirectories(catalogue + "/archives") } catch { throw .io("\(error)") }
        let expires = Date().addingTimeInterval(Double(validDays) * 86_400)
        let previous = try existingIndex(in: catalogue)
        // At least 1, as the layout uses it (the CLI refuses less), so the stored size parses again.
        let shardSize = max(1, requested ?? previous?.shardSize ?? defaultShardSize)
        var index = previous?.index ?? CatalogueIndex(version: 0, expires: expires, skills: [])
        try change(&index)
        index.version += 1
        index.expires = expires
        let previousKeysVersion = (try? readJSON(catalogue + "/keys.json")).flatMap { $0["version"]?.int64Value } ?? 0
        let keySet = CatalogueKeys(version: Int(previousKeysVersion) + 1, expires: expires, indexKeys: [indexKey.publicKey])
        try writeSigned(keySet.json, to: catalogue + "/keys.json", key: rootKey)
        // Shards first, index.json last: a client never sees an index naming a missing shard.
        let shards = index.skills.count > shardSize ? try writeShards(of: index, limit: shardSize, in: catalogue) : []
        let document = shards.isEmpty ? index.json : ShardedIndex(version: index.version, expires: expires, shards: shards, shardSize: shardSize).json
        try writeSigned(document, to: catalogue + "/index.json", key: indexKey)
        try removeShards(in: catalogue, keeping: Set((shards + (previous?.shards ?? [])).map(\.path)))
        return BuiltCatalogue(index: index, shards: shards)
    }

    static let shardFolder = "shards"

    /// Writes each shard under its sha256, so a shard of the live index is never overwritten.
    static func writeShards(of index: CatalogueIndex, limit: Int, in catalogue: String) throws(MarketError) -> [ShardReference] {
        do { try FileSystem.makeDirectories(catalogue + "/" + shardFolder) } catch { throw .io("\(error)") }
        var references: [ShardReference] = []
        for shard in CatalogueShard.layout(index.skills, limit: limit) {
            let data = CatalogueShard(skills: shard.skills).json.encodedData(.pretty)
            let sha256 = SHA256Hex.of(data)
            let reference = ShardReference(prefixes: shard.prefixes, path: "\(shardFolder)/\(sha256).json", sha256: sha256, size: Int64(data.count))
            if !FileSystem.exists(catalogue + "/" + reference.path) {
                do { try FileSystem.writeAtomically(data, to: catalogue + "/" + reference.path) } catch { throw .io("\(error)") }
            }
            references.append(reference)
        }
        return references
    }

    /// Removes shards that neither the new nor the previous index names. The previous index's
    /// shards stay one more version, for clients (and caches) that fetched it just before.
    static func removeShards(in catalogue: String, keeping paths: Set<String>) throws(MarketError) {
        // The paths are relative to the catalogue; the entries of shards/ are bare names.
        let names = Set(paths.compactMap { path in path.hasPrefix(shardFolder + "/") ? String(path.dropFirst(shardFolder.count + 1)) : nil })
        do { try FileSystem.removeEntries(of: catalogue + "/" + shardFolder, except: names) } catch { throw .io("\(error)") }
    }

    /// The catalogue's current index with every skill, read back from its shards when sharded;
    /// a shard that does not match index.json is refused rather than silently dropped. The shard
    /// size is the one a sharded index records (nil for format 1, which records none).
    static func existingIndex(in catalogue: String) throws(MarketError)
        -> (index: CatalogueIndex, shards: [ShardReference], shardSize: Int?)?
    {
        let file = catalogue + "/index.json"
        guard FileSystem.exists(file) else { return nil }
        switch try IndexDocument(json: try readJSON(file), file: file) {
        case .whole(let index):
            return (index, [], nil)
        case .sharded(let sharded):
            var skills: [CatalogueSkill] = []
            let advice = "restore it, or rebuild the catalogue from the skill folders"
            for reference in sharded.shards {
                let path = catalogue + "/" + reference.path
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw .malformedIndex("\(path), which \(file) names, is missing; \(advice)")
                }
                do {
                    skills += try CatalogueShard(verifying: data, reference: reference, in: sharded, source: path).skills
                } catch .badShard(_, _, let reason) {
                    // badShard's own advice is for a client (refresh, nothing installed); here the
                    // catalogue's owner has to mend the folder.
                    throw .malformedIndex("\(path) does not match \(file): \(reason); \(advice)")
                }
            }
            return (CatalogueIndex(version: sharded.version, expires: sharded.expires, skills: skills), sharded.shards, sharded.shardSize)
        }
    }

    static func readJSON(_ path: String) throws(MarketError) -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else { throw .io("\(path) cannot be read") }
        return try CatalogueJSON.parse(data, path)
    }

    /// The file, then its detached signature, each written atomically.
    static func writeSigned(_ value: JSONValue, to path: String, key: SigningKey) throws(MarketError) {
        let data = value.encodedData(.pretty)
        let signature = DetachedSignature(keyID: key.publicKey.keyID, signature: try key.sign(data))
        do {
            try FileSystem.writeAtomically(data, to: path)
            try FileSystem.writeAtomically(signature.json.encodedData(.pretty), to: path + ".sig")
        } catch {
            throw .io("\(error)")
        }
    }

    static func add(_ folder: String, to index: inout CatalogueIndex, catalogue: String, refuseExisting: Bool) throws(MarketError) {
        let identity: SkillIdentity
        do {
            identity = try SkillIdentity.read(treeRoot: folder, folderName: (folder as NSString).lastPathComponent)
        } catch {
            throw .store(error)
        }
        let fileName = "\(identity.name)-\(identity.version).skill"
        let archivePath = catalogue + "/archives/" + fileName
        let packed = try pack(folder, name: identity.name, to: archivePath + ".tmp")
        let position = index.skills.firstIndex { $0.name == identity.name }
        if let position, let existing = index.skills[position].releases.first(where: { $0.version == identity.version }) {
            try? FileSystem.unlink(archivePath + ".tmp")
            if refuseExisting || existing.treeSha256 != packed.treeSha256 {
                throw .alreadyPublished(name: identity.name, version: identity.version)
            }
            return
        }
        do { try FileSystem.rename(archivePath + ".tmp", to: archivePath) } catch { throw .io("\(error)") }
        var requires: [SkillManifest.Requirement] = []
        if let manifest = try? SkillManifest.load(from: URL(fileURLWithPath: folder + "/" + SkillManifest.fileName)) {
            requires = manifest.requires
        }
        let release = CatalogueRelease(version: identity.version, url: "archives/" + fileName, sha256: packed.sha256, size: packed.size,
                                       treeSha256: packed.treeSha256, kind: identity.kind.rawValue,
                                       published: Timestamp.format(Date()), requires: requires)
        if let position {
            index.skills[position].releases.append(release)
            index.skills[position].description = identity.description
        } else {
            index.skills.append(CatalogueSkill(name: identity.name, description: identity.description, releases: [release]))
        }
    }

    /// A deterministic zip: sorted entries under one top folder, fixed dates and modes, so the same
    /// folder always packs to the same bytes. The tree hash is computed from the packed bytes.
    static func pack(_ folder: String, name: String, to path: String) throws(MarketError) -> (sha256: String, size: Int64, treeSha256: String) {
        try? FileSystem.unlink(path)
        var entries: [TreeEntry] = []
        do {
            let listing = try FolderTree.files(in: folder)
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
            let epoch = Date(timeIntervalSince1970: 315_532_800)  // 1980-01-01, the earliest zip date
            for file in listing.files.sorted(by: { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }) {
                let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file.relativePath))
                try archive.addEntry(with: name + "/" + file.relativePath, type: .file, uncompressedSize: Int64(data.count),
                                     modificationDate: epoch, permissions: file.isExecutable ? 0o755 : 0o644,
                                     compressionMethod: .deflate) { (position: Int64, size: Int) -> Data in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
                entries.append(TreeEntry(path: file.relativePath, isExecutable: file.isExecutable, size: UInt64(data.count),
                                         sha256: SHA256Hex.of(data)))
            }
        } catch {
            throw .io("cannot pack \(folder): \(error)")
        }
        let size = Int64(FileSystem.linkStatus(path)?.st_size ?? 0)
        let sha256: String
        do { sha256 = try SHA256Hex.ofFile(atPath: path) } catch { throw .io("\(error)") }
        return (sha256, size, TreeHash.of(entries))
    }
}

/// What a build or publish wrote: every skill, and the shards when the index is sharded.
public struct BuiltCatalogue: Sendable {
    public let index: CatalogueIndex
    /// Empty for an unsharded (format 1) index.
    public let shards: [ShardReference]
}
