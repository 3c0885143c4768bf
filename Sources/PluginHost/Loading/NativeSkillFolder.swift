import Foundation
import MementoCore

/// A native skill's folder as the host expects it: the parsed `skill.json` and the library it
/// names, with the recorded hash.
public struct NativeSkillFolder: Sendable {
    public let root: String
    public let manifest: SkillManifest
    /// skill.json as the descriptor's `manifest_json` must equal it: the same JSON value without
    /// `entry.sha256`, which cannot be inside the library it hashes.
    public let comparableManifest: JSONValue
    public let libraryPath: String
    public let expectedSha256: String

    public var name: String { manifest.name }

    /// Reads `root/skill.json`. Nothing is loaded and no code runs.
    public init(root: String) throws(PluginError) {
        let path = root + "/" + SkillManifest.fileName
        let bytes: [UInt8]
        do {
            let file = try FileDescriptor.open(path, .readOnlyNoFollow)
            defer { file.close() }
            bytes = try file.readAll()
        } catch {
            throw .badManifest(ManifestError(file: path, field: nil, problem: "cannot be read: \(error)"))
        }
        let manifest: SkillManifest
        do {
            manifest = try SkillManifest.decode(Data(bytes), file: path)
        } catch {
            throw .badManifest(error)
        }
        guard manifest.kind == .native else { throw .notNative(skill: manifest.name, kind: manifest.kind) }
        // `problems(file:)` already requires entry.library for native skills; the hash is ours to require.
        guard let library = manifest.entry?.library, let sha256 = manifest.entry?.sha256 else { throw .missingHash(skill: manifest.name) }
        guard SHA256Hex.isValid(sha256) else {
            throw .badManifest(ManifestError(file: path, field: "entry.sha256", problem: "expected 64 lowercase hex digits"))
        }
        self.root = root
        self.manifest = manifest
        self.comparableManifest = NativeSkillFolder.comparable((try? JSONValue.parse(bytes: bytes)) ?? .null)
        self.libraryPath = root + "/" + library
        self.expectedSha256 = sha256
    }

    /// Drops `entry.sha256`, the one member a library cannot embed about itself.
    public static func comparable(_ manifest: JSONValue) -> JSONValue {
        guard case .object(var members) = manifest, case .object(var entry)? = members["entry"] else { return manifest }
        entry["sha256"] = nil
        members["entry"] = .object(entry)
        return .object(members)
    }
}
