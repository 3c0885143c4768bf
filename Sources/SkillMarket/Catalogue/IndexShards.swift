import Foundation
import MementoCore

/// What a signed `index.json` holds: every skill (format 1), or the list of shards that hold them
/// (format 2, for catalogues past the shard size).
public enum IndexDocument: Hashable, Sendable {
    case whole(CatalogueIndex)
    case sharded(ShardedIndex)

    public var version: Int {
        switch self {
        case .whole(let index): return index.version
        case .sharded(let index): return index.version
        }
    }

    public var expires: Date {
        switch self {
        case .whole(let index): return index.expires
        case .sharded(let index): return index.expires
        }
    }

    public init(json: JSONValue, file: String) throws(MarketError) {
        switch json["format"]?.int64Value {
        case Int64(CatalogueIndex.format)?: self = .whole(try CatalogueIndex(json: json, file: file))
        case Int64(ShardedIndex.format)?: self = .sharded(try ShardedIndex(json: json, file: file))
        default:
            throw .malformedIndex("\(file): \"format\" must be \(CatalogueIndex.format) or \(ShardedIndex.format); a newer format needs a newer memento")
        }
    }
}

/// `index.json` of format 2: no skills, only shards, each pinned by its size and sha256. The one
/// signature over these bytes therefore covers every shard, and a shard from any other index
/// version (or altered in any way) fails its hash: no rollback or mix-and-match of shards.
public struct ShardedIndex: Hashable, Sendable {
    public static let format = 2

    public var version: Int
    public var expires: Date
    /// The `--shard-size` the index was laid out with, so a later build or publish without the
    /// option keeps the layout; nil in an index written before it was recorded.
    public var shardSize: Int?
    public let shards: [ShardReference]
    /// Each listed prefix with its shard, so finding a name's shard costs a lookup per character
    /// of the name instead of a scan of every prefix (it runs once per skill of every shard read).
    private let shardsByPrefix: [String: ShardReference]

    public init(version: Int, expires: Date, shards: [ShardReference], shardSize: Int? = nil) {
        self.version = version
        self.expires = expires
        self.shardSize = shardSize
        self.shards = shards
        self.shardsByPrefix = ShardedIndex.table(shards)
    }

    /// A prefix listed twice keeps its first shard; only an index read from JSON is checked for that.
    private static func table(_ shards: [ShardReference]) -> [String: ShardReference] {
        var table: [String: ShardReference] = [:]
        for shard in shards {
            for prefix in shard.prefixes where table[prefix] == nil { table[prefix] = shard }
        }
        return table
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "format": .number(JSONNumber(ShardedIndex.format)), "version": .number(JSONNumber(version)),
            "expires": .string(Timestamp.format(expires)), "shards": .array(shards.map(\.json)),
        ]
        if let shardSize { object["shard_size"] = .number(JSONNumber(shardSize)) }
        return .object(object)
    }

    public init(json: JSONValue, file: String) throws(MarketError) {
        guard let version = json["version"]?.int64Value, let expiresText = json["expires"]?.stringValue,
              let expires = Timestamp.parse(expiresText), let shards = json["shards"]?.arrayValue
        else { throw .malformedIndex("\(file): needs \"version\" (integer), \"expires\" (ISO 8601) and \"shards\"") }
        self.version = Int(version)
        self.expires = expires
        // Optional: indexes written before it was recorded lack it.
        if let member = json["shard_size"] {
            guard let size = member.int64Value.flatMap({ Int(exactly: $0) }), size >= 1 else {
                throw .malformedIndex("\(file): \"shard_size\" must be a whole number of skills, at least 1")
            }
            self.shardSize = size
        } else {
            self.shardSize = nil
        }
        var parsed: [ShardReference] = []
        var byPrefix: [String: ShardReference] = [:]
        for (index, shard) in shards.enumerated() {
            let reference = try ShardReference(json: shard, at: "\(file): shards[\(index)]")
            for prefix in reference.prefixes {
                guard byPrefix.updateValue(reference, forKey: prefix) == nil else {
                    throw .malformedIndex("\(file): the prefix '\(prefix)' is listed by two shards")
                }
            }
            parsed.append(reference)
        }
        self.shards = parsed
        self.shardsByPrefix = byPrefix
    }

    /// The shard that lists the longest prefix of `name`: the only one that may hold it. The
    /// name's own prefixes are looked up, longest first.
    public func shard(for name: String) -> ShardReference? {
        var end = name.endIndex
        while end > name.startIndex {
            if let shard = shardsByPrefix[String(name[..<end])] { return shard }
            end = name.index(before: end)
        }
        return nil
    }
}

/// A shard's entry in the top-level index: the name prefixes it covers and its exact bytes.
public struct ShardReference: Hashable, Sendable {
    public var prefixes: [String]
    /// Relative to index.json's own URL, inside the catalogue.
    public var path: String
    public var sha256: String
    public var size: Int64

    public init(prefixes: [String], path: String, sha256: String, size: Int64) {
        self.prefixes = prefixes
        self.path = path
        self.sha256 = sha256
        self.size = size
    }

    var json: JSONValue {
        ["prefixes": .array(prefixes.map(JSONValue.string)), "path": .string(path), "sha256": .string(sha256),
         "size": .number(JSONNumber(size))]
    }

    init(json: JSONValue, at location: String) throws(MarketError) {
        guard let prefixes = json["prefixes"]?.arrayValue?.compactMap(\.stringValue), !prefixes.isEmpty,
              prefixes.allSatisfy(ShardReference.isPrefix),
              let path = json["path"]?.stringValue, ShardReference.isCataloguePath(path),
              let sha256 = json["sha256"]?.stringValue, SHA256Hex.isValid(sha256),
              let size = json["size"]?.int64Value, size >= 0
        else {
            throw .malformedIndex("\(location): needs \"prefixes\" (name prefixes), a relative \"path\" inside the catalogue, \"sha256\" and \"size\"")
        }
        self.prefixes = prefixes
        self.path = path
        self.sha256 = sha256
        self.size = size
    }

    /// The start of a skill name: 1 to 64 of a-z, 0-9 and '-'.
    static func isPrefix(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// A relative path with no `..`, query or scheme, so a shard is always fetched from inside the
    /// catalogue and the builder can read it back from the catalogue directory. Checked as bytes:
    /// as Swift Characters, a combining mark after `/` or `:` would hide it.
    static func isCataloguePath(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        let components = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        return bytes.first != UInt8(ascii: "/") && !bytes.contains(where: { ":?#\\%".utf8.contains($0) })
            && components.allSatisfy { !$0.isEmpty && !$0.elementsEqual(".".utf8) && !$0.elementsEqual("..".utf8) }
    }
}

/// A shard file: `{"format": 2, "skills": [...]}`, the skills whose longest listed prefix is one of
/// the shard's. Shards carry no signature and no version of their own: the signed index pins their
/// bytes, so they are immutable and content-addressed (`shards/SHA256.json`), cacheable forever.
public struct CatalogueShard: Hashable, Sendable {
    public var skills: [CatalogueSkill]

    public init(skills: [CatalogueSkill]) { self.skills = skills }

    public var json: JSONValue {
        ["format": .number(JSONNumber(ShardedIndex.format)), "skills": .array(skills.sorted { $0.name < $1.name }.map(\.json))]
    }

    /// The shard `reference` pins, from bytes read at `source` (a URL or a path, for messages):
    /// they are parsed only if their sha256 is the one the signed index gives. This is the one
    /// check every reader of a shard (client and builder) goes through.
    public init(verifying data: Data, reference: ShardReference, in index: ShardedIndex, source: String) throws(MarketError) {
        let actual = SHA256Hex.of(data)
        guard actual == reference.sha256 else {
            throw .badShard(url: source, indexVersion: index.version, reason: "its sha256 is \(actual), the index says \(reference.sha256)")
        }
        try self.init(json: try CatalogueJSON.parse(data, source), file: source, reference: reference, in: index)
    }

    /// Parses a shard whose bytes already matched `reference`, and checks that each skill belongs
    /// there: a skill in the wrong shard would show in search yet never be found by install.
    private init(json: JSONValue, file: String, reference: ShardReference, in index: ShardedIndex) throws(MarketError) {
        guard json["format"] == .number(JSONNumber(ShardedIndex.format)), let skills = json["skills"]?.arrayValue else {
            throw .malformedIndex("\(file): a shard needs \"format\": \(ShardedIndex.format) and \"skills\"")
        }
        var parsed: [CatalogueSkill] = []
        for (position, item) in skills.enumerated() {
            let skill = try CatalogueSkill(json: item, at: "\(file): skills[\(position)]")
            guard index.shard(for: skill.name) == reference else {
                throw .malformedIndex("\(file): \(skill.name) is not covered by this shard's prefixes \(reference.prefixes)")
            }
            parsed.append(skill)
        }
        self.skills = parsed
    }

    /// Cuts skills into shards of at most `limit` skills by name prefix: a prefix with more than
    /// `limit` skills is split by its next character, and neighbouring small groups under the same
    /// prefix share a shard. A new skill therefore changes its own shard and at most the later
    /// siblings under the same prefix, never the whole layout, so clients re-fetch little.
    public static func layout(_ skills: [CatalogueSkill], limit: Int) -> [(prefixes: [String], skills: [CatalogueSkill])] {
        split(skills.sorted { $0.name < $1.name }, prefix: "", limit: max(1, limit))
    }

    private static func split(_ skills: [CatalogueSkill], prefix: String, limit: Int) -> [(prefixes: [String], skills: [CatalogueSkill])] {
        // Sorted names keep each group contiguous; a name equal to the prefix is a group of its own.
        var groups: [(key: String, skills: [CatalogueSkill])] = []
        for skill in skills {
            let key = skill.name.count > prefix.count ? String(skill.name.prefix(prefix.count + 1)) : prefix
            if groups.last?.key == key { groups[groups.count - 1].skills.append(skill) } else { groups.append((key, [skill])) }
        }
        var shards: [(prefixes: [String], skills: [CatalogueSkill])] = []
        var pending: (prefixes: [String], skills: [CatalogueSkill]) = ([], [])
        for group in groups {
            if group.skills.count > limit {
                if !pending.skills.isEmpty { shards.append(pending) }
                pending = ([], [])
                shards += split(group.skills, prefix: group.key, limit: limit)
                continue
            }
            if pending.skills.count + group.skills.count > limit {
                shards.append(pending)
                pending = ([], [])
            }
            pending.prefixes.append(group.key)
            pending.skills += group.skills
        }
        if !pending.skills.isEmpty { shards.append(pending) }
        return shards
    }
}
