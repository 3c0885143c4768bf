import Crypto
import Foundation
import MementoCore

/// An Ed25519 key pair, stored as base64 of the 32 raw bytes, one per file.
public struct SigningKey: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey

    public init() { privateKey = Curve25519.Signing.PrivateKey() }

    public init(base64: String) throws(MarketError) {
        guard let raw = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else { throw .badKey("not a base64 Ed25519 private key") }
        privateKey = key
    }

    public var base64: String { privateKey.rawRepresentation.base64EncodedString() }
    public var publicKey: PublicKey { PublicKey(key: privateKey.publicKey) }

    public func sign(_ data: Data) throws(MarketError) -> Data {
        do { return try privateKey.signature(for: data) } catch { throw .badKey("signing failed: \(error)") }
    }

    public static func load(_ path: String) throws(MarketError) -> SigningKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .badKey("\(path) cannot be read") }
        return try SigningKey(base64: text)
    }
}

/// An Ed25519 public key; its id is the first 16 hex digits of the sha256 of its raw bytes.
public struct PublicKey: Hashable, Sendable {
    let key: Curve25519.Signing.PublicKey

    init(key: Curve25519.Signing.PublicKey) { self.key = key }

    public init(base64: String) throws(MarketError) {
        guard let raw = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { throw .badKey("not a base64 Ed25519 public key") }
        self.key = key
    }

    public var base64: String { key.rawRepresentation.base64EncodedString() }
    public var keyID: String { String(SHA256Hex.of(key.rawRepresentation).prefix(16)) }

    public func isValid(signature: Data, for data: Data) -> Bool {
        key.isValidSignature(signature, for: data)
    }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.base64 == rhs.base64 }
    public func hash(into hasher: inout Hasher) { hasher.combine(base64) }
}

/// A detached signature file: `{"keyid": "...", "signature": "base64"}`.
struct DetachedSignature {
    let keyID: String
    let signature: Data

    var json: JSONValue { ["keyid": .string(keyID), "signature": .string(signature.base64EncodedString())] }

    init(keyID: String, signature: Data) {
        self.keyID = keyID
        self.signature = signature
    }

    init(json: JSONValue, file: String) throws(MarketError) {
        guard let keyID = json["keyid"]?.stringValue, let text = json["signature"]?.stringValue,
              let signature = Data(base64Encoded: text)
        else { throw .badSignature("\(file) is not a signature file ({\"keyid\", \"signature\"})") }
        self.keyID = keyID
        self.signature = signature
    }
}
