#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// Verified bytes copied into a sealed memfd, so `dlopen` maps exactly what was hashed: the file
/// in the store may change after the hash, the sealed copy cannot (plugin-abi.md §5 step 5).
struct SealedMemoryFile {
    let fd: Int32

    /// The path `dlopen` takes: the kernel resolves it to the memfd itself, not to a name on disk.
    var procPath: String { "/proc/self/fd/\(fd)" }

    init(copying bytes: [UInt8], name: String) throws(PluginError) {
        let fd = memento_memfd_create_sealable(name)
        guard fd >= 0 else { throw .loadFailed(path: name, reason: "memfd_create: \(String(cString: strerror(errno)))") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                Glibc.close(fd)
                throw .loadFailed(path: name, reason: "writing the memfd: \(reason)")
            }
            offset += written
        }
        guard memento_memfd_seal(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw .loadFailed(path: name, reason: "sealing the memfd: \(reason)")
        }
        self.fd = fd
    }

    var isSealed: Bool { memento_memfd_is_sealed(fd) != 0 }

    /// Only for a copy that will not be loaded: a loaded one stays open (see `LoadedImages`).
    func close() { _ = Glibc.close(fd) }
}
