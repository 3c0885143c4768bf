#if canImport(Glibc)
import Glibc
#endif
import MementoCore

/// The bytes of a native library, read once through a descriptor that refused symlinks, hashed
/// and ELF-checked. Whatever loads the skill afterwards loads exactly these bytes.
public struct VerifiedLibrary: Sendable {
    public let path: String
    public let bytes: [UInt8]
    public let sha256: String
    public let elf: ELFFile

    /// `permissions` are the skill's declared ones (they widen the library allow-list).
    /// `expectedSha256` nil reads and checks without a recorded hash: `memento skill pack` uses
    /// that to compute the hash it records.
    public init(path: String, expectedSha256: String?, permissions: SkillManifest.Permissions) throws(PluginError) {
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(path, .readOnlyNoFollow)
        } catch {
            // O_NOFOLLOW reports a symlink in the last component as ELOOP.
            if error.code == ELOOP { throw .notRegularFile(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(error.code)))
        }
        defer { file.close() }
        do {
            let status = try file.status()
            guard status.st_mode & S_IFMT == S_IFREG else { throw PluginError.notRegularFile(path: path) }
            bytes = try file.readAll()
        } catch let error as PluginError {
            throw error
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
        sha256 = bytes.withUnsafeBytes { SHA256Hex.of($0) }
        if let expectedSha256, sha256 != expectedSha256 { throw .hashMismatch(path: path, expected: expectedSha256, actual: sha256) }
        self.path = path
        elf = try ELFCheck.check(bytes, path: path, permissions: permissions)
    }
}
