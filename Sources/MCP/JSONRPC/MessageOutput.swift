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
///
/// A pipe this process made for a child (`ownsPipe`) is switched to non-blocking: then a line
/// that the pipe takes at once, as it nearly always does, is written by the caller with no hop
/// to the queue, and only what a full pipe refuses waits there for room.
public final class PipeWriter: MessageOutput {
    private struct State {
        var fd: Int32?
        /// Lines (or their unwritten rest) handed to the queue and not yet written.
        var queued = 0
        /// `close` was called: later lines are dropped, as they would be after the close.
        var closing = false
    }

    private let queue: DispatchQueue
    private let state: Mutex<State>
    private let direct: Bool

    public init(fd: Int32, label: String, ownsPipe: Bool = false) {
        var direct = false
        if ownsPipe {
            let flags = fcntl(fd, F_GETFL)
            direct = flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0
        }
        self.direct = direct
        self.state = Mutex(State(fd: fd))
        self.queue = DispatchQueue(label: "memento.mcp.writer.\(label)")
    }

    public func send(_ line: [UInt8]) {
        let rest: ArraySlice<UInt8>? = state.withLock { state in
            guard !state.closing else { return nil }
            guard direct, state.queued == 0, let fd = state.fd else {
                state.queued += 1
                return line[...]
            }
            let written = line.withUnsafeBytes { raw in Self.writeOnce(fd, raw) }
            // Written whole, or the reader is gone (the stdout side reports the closed connection).
            guard let written, written < line.count else { return nil }
            state.queued += 1
            return line[written...]
        }
        guard let rest else { return }
        queue.async { [self] in
            if let fd = state.withLock({ $0.fd }) {
                rest.withUnsafeBytes { raw in Self.writeAll(fd, raw) }
            }
            state.withLock { $0.queued -= 1 }
        }
    }

    /// What one write(2) took: the byte count (0 when a non-blocking pipe is full), or nil when
    /// the reader is gone or the descriptor failed.
    private static func writeOnce(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int? {
        while true {
            let written = write(fd, bytes.baseAddress, bytes.count)
            if written >= 0 { return written }
            switch errno {
            case EINTR: continue
            case EAGAIN: return 0
            default: return nil
            }
        }
    }

    /// Writes everything, waiting for room when a non-blocking pipe is full.
    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            guard let written = writeOnce(fd, UnsafeRawBufferPointer(rebasing: bytes[offset...])) else { return }
            if written == 0 {
                var room = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&room, 1, -1)
            }
            offset += written
        }
    }

    /// Returns once every line queued so far is written (or dropped for a gone reader).
    public func drain() {
        queue.sync {}
    }

    /// Closes after the lines already queued, so a final message still reaches the peer.
    public func close() {
        state.withLock { $0.closing = true }
        queue.async { [self] in
            if let descriptor = state.withLock({ state -> Int32? in defer { state.fd = nil }; return state.fd }) {
                Posix.close(descriptor)
            }
        }
    }
}
