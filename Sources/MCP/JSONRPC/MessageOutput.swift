import MementoCore
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Where a peer's outbound lines go. Implementations must keep lines whole and in order.
public protocol MessageOutput: Sendable {
    func send(_ line: [UInt8])
    /// Signals end of output (for a child process: closes its stdin).
    func close()
}

/// Writes lines to a pipe from one serial queue, so a peer that stops reading blocks that queue
/// and never a task of the cooperative pool, and lines never interleave.
public final class PipeWriter: MessageOutput {
    private let queue: DispatchQueue
    private let fd: Mutex<Int32?>

    public init(fd: Int32, label: String) {
        self.fd = Mutex(fd)
        self.queue = DispatchQueue(label: "memento.mcp.writer.\(label)")
    }

    public func send(_ line: [UInt8]) {
        queue.async { [self] in
            guard let descriptor = self.fd.withLock({ $0 }) else { return }
            line.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        // EPIPE: the reader is gone; the stdout side reports the closed connection.
                        return
                    }
                    offset += written
                }
            }
        }
    }

    /// Returns once every line queued so far is written (or dropped for a gone reader).
    public func drain() {
        queue.sync {}
    }

    /// Closes after the lines already queued, so a final message still reaches the peer.
    public func close() {
        queue.async { [self] in
            if let descriptor = self.fd.withLock({ value -> Int32? in defer { value = nil }; return value }) {
                Posix.close(descriptor)
            }
        }
    }
}
