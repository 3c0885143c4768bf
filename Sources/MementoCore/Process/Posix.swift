#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Thin wrappers for the POSIX calls whose names collide with methods (`close`, `read`) or that
/// need retrying on EINTR.
public enum Posix {
    public static func close(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    /// One read(2), retried on EINTR; 0 is end of file, negative is an error.
    public static func read(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            #if canImport(Glibc)
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            #else
            let count = Darwin.read(fd, buffer.baseAddress, buffer.count)
            #endif
            if count < 0 && errno == EINTR { continue }
            return count
        }
    }

    public static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
