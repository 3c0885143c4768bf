#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkillABI

/// Every image this process has mapped, by the sha256 of its bytes.
///
/// Images are never unloaded: `dlclose` of a Swift image leaves the runtime walking freed
/// conformance records (plugin-abi.md §7.5), so "unload" means "disable" and this table only
/// grows. Loading the same bytes again, from any path, returns the image already mapped.
final class LoadedImages: @unchecked Sendable {
    static let shared = LoadedImages()

    struct Image {
        let handle: UnsafeMutableRawPointer
        let entry: skill_entry_fn
    }

    private let lock = NSLock()
    private var images: [String: Image] = [:]

    func contains(sha256: String) -> Bool { lock.withLock { images[sha256] != nil } }

    /// Maps `library` from a sealed memfd unless the same bytes are already mapped.
    func image(for library: VerifiedLibrary) throws(PluginError) -> Image {
        lock.lock()
        defer { lock.unlock() }
        if let image = images[library.sha256] { return image }
        let memory = try SealedMemoryFile(copying: library.bytes, name: "skill:" + library.sha256.prefix(16))
        guard memory.isSealed else {
            memory.close()
            throw .loadFailed(path: library.path, reason: "the memfd did not keep its seals")
        }
        // The memfd stays open for the life of the process, like the image. glibc recognises an
        // already-loaded object by its path, so a closed and reused fd number would make
        // "/proc/self/fd/N" return an earlier plugin's handle.
        // RTLD_NOW turns a missing runtime symbol into an error here rather than a crash later;
        // RTLD_LOCAL keeps the plugin's symbols from capturing other plugins' calls (§7.6).
        guard let handle = dlopen(memory.procPath, RTLD_NOW | RTLD_LOCAL) else {
            throw .loadFailed(path: library.path, reason: dlerror().map { String(cString: $0) } ?? "unknown dlopen error")
        }
        guard !images.values.contains(where: { $0.handle == handle }) else {
            throw .loadFailed(path: library.path, reason: "the dynamic loader returned the handle of another plugin")
        }
        guard let symbol = dlsym(handle, NativeABI.entrySymbol) else {
            // ELFCheck saw the symbol in .dynsym; only a versioned or hidden definition gets here.
            throw .missingEntrySymbol(path: library.path)
        }
        let image = Image(handle: handle, entry: unsafeBitCast(symbol, to: skill_entry_fn.self))
        images[library.sha256] = image
        return image
    }
}
