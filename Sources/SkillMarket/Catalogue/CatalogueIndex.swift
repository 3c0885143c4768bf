import Foundation
import MementoCore

/// `index.json`: every skill of a catalogue and every published version, signed as a whole.
public struct CatalogueIndex: Hashable, Sendable {
    public static let format = 1

    public var version: Int
    public var expires: Date
    public var skills: [CatalogueSkill]

    public init(version: Int, expires: Date, skills: [CatalogueSkill]) {
        self.version = version
        self.expires = expires
        self.skills = skills
    }

    public func skill(named name: String) -> CatalogueSkill? { skills.first { $0.name == name } }

    public var json: JSONValue {
        ["format": .number(JSONNumber(CatalogueIndex.format)), "version": .number(JSONNumber(version)),
         "expires": .string(Timestamp.format(expires)),
         "skills": .array(skills.sorted { $0.name < $1.name }.map(\.json))]
    }

    public init(json: JSONValue, file: String) throws(MarketError) {
        guard json["format"] == .number(JSONNumber(CatalogueIndex.format)) else {
            throw .malformedIndex("\(file): expected \"format\": \(CatalogueIndex.format)")
        }
        guard let version = json["version"]?.int64Value, let expiresText = json["expires"]?.stringValue,
              let expires = Timestamp.parse(expiresText), let skills = json["skills"]?.arrayValue
        else { throw .malformedIndex("\(file): needs \"version\" (integer), \"expires\" (ISO 8601) and \"skills\"") }
        self.version = Int(version)
        self.expires = expires
        var parsed: [CatalogueSkill] = []
        for (index, skill) in skills.enumerated() { parsed.append(try CatalogueSkill(json: skill, at: "\(file): skills[\(index)]")) }
        self.skills = parsed
    }
}

public struct CatalogueSkill: Hashable, Sendable {
    public var name: String
    public var description: String
    public var releases: [CatalogueRelease]

    public init(name: String, description: String, releases: [CatalogueRelease]) {
        self.name = name
        self.description = description
        self.releases = releases
    }

    var json: JSONValue {
        ["name": .string(name), "description": .string(description),
         "versions": .array(releases.sorted { ($0.semanticVersion ?? .init(0, 0, 0)) < ($1.semanticVersion ?? .init(0, 0, 0)) }.map(\.json))]
    }

    init(json: JSONValue, at location: String) throws(MarketError) {
        guard let name = json["name"]?.stringValue, SkillName.isValid(name), let description = json["description"]?.stringValue,
              let versions = json["versions"]?.arrayValue
        else { throw .malformedIndex("\(location): needs a valid \"name\", \"description\" and \"versions\"") }
        self.name = name
        self.description = description
        var releases: [CatalogueRelease] = []
        for (index, release) in versions.enumerated() {
            releases.append(try CatalogueRelease(json: release, at: "\(location).versions[\(index)]"))
        }
        self.releases = releases
    }

    /// The highest non-yanked release the range admits.
    public func best(matching range: VersionRange) -> CatalogueRelease? {
        releases.filter { !$0.yanked && $0.semanticVersion.map(range.contains) == true }
            .max { ($0.semanticVersion ?? .init(0, 0, 0)) < ($1.semanticVersion ?? .init(0, 0, 0)) }
    }
}

public struct CatalogueRelease: Hashable, Sendable {
    public var version: String
    /// Relative to the index's own URL.
    public var url: String
    public var sha256: String
    public var size: Int64
    public var treeSha256: String
    public var kind: String
    public var published: String
    public var requires: [SkillManifest.Requirement]
    public var yanked: Bool

    public var semanticVersion: SemanticVersion? { try? SemanticVersion(parsing: version) }

    public init(version: String, url: String, sha256: String, size: Int64, treeSha256: String, kind: String, published: String,
                requires: [SkillManifest.Requirement] = [], yanked: Bool = false)
    {
        self.version = version
        self.url = url
        self.sha256 = sha256
        self.size = size
        self.treeSha256 = treeSha256
        self.kind = kind
        self.published = published
        self.requires = requires
        self.yanked = yanked
    }

    var json: JSONValue {
        var object: [String: JSONValue] = [
            "version": .string(version), "url": .string(url), "sha256": .string(sha256), "size": .number(JSONNumber(size)),
            "tree_sha256": .string(treeSha256), "kind": .string(kind), "published": .string(published),
        ]
        if !requires.isEmpty {
            object["requires"] = .array(requires.map { ["name": .string($0.name), "version": .string($0.version)] })
        }
        if yanked { object["yanked"] = true }
        return .object(object)
    }

    init(json: JSONValue, at location: String) throws(MarketError) {
        guard let version = json["version"]?.stringValue, (try? SemanticVersion(parsing: version)) != nil,
              let url = json["url"]?.stringValue, !url.isEmpty,
              let sha256 = json["sha256"]?.stringValue, SHA256Hex.isValid(sha256),
              let size = json["size"]?.int64Value, size >= 0,
              let tree = json["tree_sha256"]?.stringValue, SHA256Hex.isValid(tree)
        else { throw .malformedIndex("\(location): needs a semver \"version\", \"url\", \"sha256\", \"size\" and \"tree_sha256\"") }
        self.version = version
        self.url = url
        self.sha256 = sha256
        self.size = size
        self.treeSha256 = tree
        self.kind = json["kind"]?.stringValue ?? SkillKind.instructions.rawValue
        self.published = json["published"]?.stringValue ?? ""
        self.requires = (json["requires"]?.arrayValue ?? []).compactMap { item in
            item["name"]?.stringValue.map { SkillManifest.Requirement(name: $0, version: item["version"]?.stringValue ?? "*") }
        }
        self.yanked = json["yanked"]?.boolValue ?? false
    }
}

/// `keys.json`: the index keys, signed by the root key that clients pin.
public struct CatalogueKeys: Hashable, Sendable {
    public var version: Int
    public var expires: Date
    public var indexKeys: [PublicKey]

    public var json: JSONValue {
        ["version": .number(JSONNumber(version)), "expires": .string(Timestamp.format(expires)),
         "index_keys": .array(indexKeys.map { ["keyid": .string($0.keyID), "ed25519_public": .string($0.base64)] })]
    }

    public init(version: Int, expires: Date, indexKeys: [PublicKey]) {
        self.version = version
        self.expires = expires
        self.indexKeys = indexKeys
    }

    init(json: JSONValue, file: String) throws(MarketError) {
        guard let version = json["version"]?.int64Value, let expiresText = json["expires"]?.stringValue,
              let expires = Timestamp.parse(expiresText), let keys = json["index_keys"]?.arrayValue
        else { throw .malformedIndex("\(file): needs \"version\", \"expires\" and \"index_keys\"") }
        self.version = Int(version)
        self.expires = expires
        var parsed: [PublicKey] = []
        for key in keys {
            guard let text = key["ed25519_public"]?.stringValue else { throw .malformedIndex("\(file): an index key has no \"ed25519_public\"") }
            parsed.append(try PublicKey(base64: text))
        }
        indexKeys = parsed
    }
}

/// Every catalogue file is JSON; a file that is not names itself in the error.
enum CatalogueJSON {
    static func parse(_ data: Data, _ file: String) throws(MarketError) -> JSONValue {
        do { return try JSONValue.parse(bytes: data) } catch { throw .malformedIndex("\(file): \(error)") }
    }
}

/// RFC 3339 timestamps in UTC, as every catalogue file writes them.
enum Timestamp {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
