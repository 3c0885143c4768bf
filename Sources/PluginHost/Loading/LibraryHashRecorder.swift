import Foundation
import MementoCore

/// Records a native skill's library hash in its skill.json (`entry.sha256`), after the same ELF
/// checks the loader applies, so a skill that packs is one that loads. The hash cannot be in
/// the library itself, which is why the descriptor's manifest is compared without it.
public enum LibraryHashRecorder {
    /// Returns the recorded sha256. Other members of skill.json are kept; keys come out sorted.
    @discardableResult
    public static func record(inSkillAt root: String) throws(PluginError) -> String {
        let path = root + "/" + SkillManifest.fileName
        let document: JSONValue
        let manifest: SkillManifest
        do {
            let file = try FileDescriptor.open(path, .readOnlyNoFollow)
            defer { file.close() }
            let bytes = try file.readAll()
            document = try JSONValue.parse(bytes: bytes)
            manifest = try SkillManifest.decode(Data(bytes), file: path)
        } catch let error as ManifestError {
            throw .badManifest(error)
        } catch {
            throw .badManifest(ManifestError(file: path, field: nil, problem: "\(error)"))
        }
        guard manifest.kind == .native else { throw .notNative(skill: manifest.name, kind: manifest.kind) }
        // problems(file:) in decode already refused a native manifest without entry.library.
        guard let library = manifest.entry?.library, case .object(var members) = document, case .object(var entry)? = members["entry"] else {
            throw .badManifest(ManifestError(file: path, field: "entry.library", problem: "expected the path of the shared object"))
        }
        let sha256 = try VerifiedLibrary(path: root + "/" + library, expectedSha256: nil, permissions: manifest.permissions).sha256
        entry["sha256"] = .string(sha256)
        members["entry"] = .object(entry)
        do {
            try FileSystem.writeAtomically(JSONValue.object(members).encodedData(.pretty), to: path)
        } catch {
            throw .unreadable(path: path, reason: "cannot write: \(error)")
        }
        return sha256
    }
}
