#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Splits a byte stream into newline-terminated lines, incrementally and in linear time.
///
/// Each input byte is scanned once (with `memchr`) and copied at most once: a line that arrives
/// whole inside one chunk is handed out straight from that chunk, and only a line split across
/// chunks is accumulated in `pending`. A line longer than `maxLineBytes` is dropped whole and the
/// framer resyncs at the next `\n`, so a runaway peer cannot grow memory without bound.
public struct LineFramer: Sendable {
    public enum Event {
        /// One line without its terminator (`\n` or `\r\n`). Valid only during the callback.
        case line(UnsafeBufferPointer<UInt8>)
        /// A line exceeded the cap and was discarded; `bytes` is its length, `head` its first
        /// bytes, enough for a peer to find the id of the response it lost.
        case oversized(bytes: Int, head: [UInt8])
    }

    /// 16 MiB: large tool results are legitimate, unbounded ones are not.
    public static let defaultMaxLineBytes = 16 << 20

    public let maxLineBytes: Int
    private var pending: [UInt8] = []
    /// The current over-long line while discarding up to the next `\n`.
    private var discarding: (seen: Int, head: [UInt8])?
    static let headBytes = 256

    public init(maxLineBytes: Int = LineFramer.defaultMaxLineBytes) {
        self.maxLineBytes = maxLineBytes
    }

    /// Feeds one chunk and reports every event it completes, in order.
    public mutating func consume(_ chunk: UnsafeRawBufferPointer, _ emit: (Event) -> Void) {
        guard let base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var start = 0
        let count = chunk.count
        while start < count {
            let remaining = count - start
            guard let found = memchr(base + start, 0x0A, remaining) else {
                absorb(UnsafeBufferPointer(start: base + start, count: remaining))
                return
            }
            let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            finishLine(UnsafeBufferPointer(start: base + start, count: end - start), emit)
            start = end + 1
        }
    }

    /// Keeps a line fragment that has no terminator yet, or counts it when discarding.
    private mutating func absorb(_ fragment: UnsafeBufferPointer<UInt8>) {
        if let current = discarding {
            discarding = (current.seen + fragment.count, current.head)
        } else if pending.count + fragment.count > maxLineBytes {
            let head = Array((pending + fragment.prefix(Self.headBytes)).prefix(Self.headBytes))
            discarding = (pending.count + fragment.count, head)
            pending = []
        } else {
            pending.append(contentsOf: fragment)
        }
    }

    private mutating func finishLine(_ tail: UnsafeBufferPointer<UInt8>, _ emit: (Event) -> Void) {
        if let current = discarding {
            discarding = nil
            emit(.oversized(bytes: current.seen + tail.count, head: current.head))
            return
        }
        if pending.isEmpty {
            emitTrimmed(tail, emit)
            return
        }
        guard pending.count + tail.count <= maxLineBytes else {
            emit(.oversized(bytes: pending.count + tail.count, head: Array(pending.prefix(Self.headBytes))))
            pending = []
            return
        }
        pending.append(contentsOf: tail)
        pending.withUnsafeBufferPointer { emitTrimmed($0, emit) }
        // Drop the storage too: one huge line must not pin its buffer for the connection's life.
        pending = []
    }

    /// Strips a `\r` before the `\n` and skips blank lines, which carry no message.
    private func emitTrimmed(_ line: UnsafeBufferPointer<UInt8>, _ emit: (Event) -> Void) {
        var length = line.count
        if length > 0 && line[length - 1] == 0x0D { length -= 1 }
        guard length > 0, let base = line.baseAddress else { return }
        if length > maxLineBytes {
            emit(.oversized(bytes: length, head: Array(line.prefix(Self.headBytes))))
            return
        }
        emit(.line(UnsafeBufferPointer(start: base, count: length)))
    }
}
