#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MementoCore

/// One writer at a time: an flock on `store/lock`. The kernel drops it when the process dies, so a
/// killed install can never leave the store locked. Readers take no lock: trees are immutable and
/// SQLite's WAL gives them a consistent snapshot.
public final class WriterLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Takes the lock, waiting for another writer if there is one. `onWait` is called once, before
    /// blocking, so the CLI can say why nothing is happening.
    public static func acquire(_ layout: StoreLayout, onWait: () -> Void = {}) throws(StoreError) -> WriterLock {
        let fd = open(layout.lock, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(FileSystemError("open", layout.lock)) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else {
                close(fd)
                throw .io(FileSystemError("lock", layout.lock))
            }
            onWait()
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    close(fd)
                    throw .io(FileSystemError("lock", layout.lock))
                }
            }
        }
        return WriterLock(descriptor: fd)
    }

    /// Takes the lock only if nobody holds it.
    public static func tryAcquire(_ layout: StoreLayout) -> WriterLock? {
        let fd = open(layout.lock, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        return WriterLock(descriptor: fd)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
