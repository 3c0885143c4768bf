import MementoCore
import SkillStore

/// Why a catalogue operation was refused. Each message names the file and what to do.
public enum MarketError: Error, Sendable, CustomStringConvertible {
    case badKey(String)
    case badSignature(String)
    case untrustedKey(String)
    case expired(String)
    case rollback(file: String, seen: Int, offered: Int)
    case malformedIndex(String)
    case notInCatalogue(String)
    case noMatchingVersion(name: String, range: String, available: [String])
    case hashMismatch(url: String, expected: String, actual: String)
    case sizeMismatch(url: String, expected: Int64, actual: Int64)
    case badShard(url: String, indexVersion: Int, reason: String)
    case fetch(url: String, reason: String)
    case alreadyPublished(name: String, version: String)
    case dependencyCycle([String])
    case source(String)
    case store(StoreError)
    case io(String)

    public var description: String {
        switch self {
        case .badKey(let reason): return "key: \(reason)"
        case .badSignature(let reason): return "signature check failed: \(reason); the catalogue may be tampered with — nothing was installed"
        case .untrustedKey(let reason): return "untrusted key: \(reason); check the source's pinned root key in config.json"
        case .expired(let reason): return "\(reason); the catalogue owner must re-sign it (`memento market build`)"
        case .rollback(let file, let seen, let offered):
            return "\(file) has version \(offered), older than version \(seen) already seen: refusing a replayed catalogue"
        case .malformedIndex(let reason): return "malformed catalogue: \(reason)"
        case .notInCatalogue(let name): return "no skill named '\(name)' in the configured catalogues; try `memento search`"
        case .noMatchingVersion(let name, let range, let available):
            return "no version of \(name) matches '\(range)' (available: \(available.joined(separator: ", ")))"
        case .hashMismatch(let url, let expected, let actual):
            return "\(url) has sha256 \(actual) but the signed index says \(expected): refused, nothing installed"
        case .sizeMismatch(let url, let expected, let actual):
            return "\(url) is \(actual) bytes but the signed index says \(expected): refused, nothing installed"
        case .badShard(let url, let version, let reason):
            return "index shard \(url) does not match the signed index.json version \(version) (\(reason)): it was tampered with or "
                + "belongs to another index version — refused, nothing installed; retry with --refresh later, or tell the catalogue owner"
        case .fetch(let url, let reason): return "cannot fetch \(url): \(reason)"
        case .alreadyPublished(let name, let version):
            return "\(name) \(version) is already in the catalogue; published versions are immutable, so bump the version"
        case .dependencyCycle(let names): return "skills require each other in a cycle: \(names.joined(separator: " → "))"
        case .source(let reason): return "catalogue source: \(reason)"
        case .store(let error): return error.description
        case .io(let reason): return reason
        }
    }
}
