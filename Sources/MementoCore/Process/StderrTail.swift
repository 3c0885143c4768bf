import Synchronization

/// The last bytes a child (an MCP server, a plugin runner) wrote to stderr, kept for error messages. stderr is free-form
/// logging, never a failure signal, so it is only remembered, bounded.
public final class StderrTail: Sendable {
    /// 32 KiB holds a Python traceback; more would bloat every error message.
    public static let defaultCapacity = 32 << 10

    private struct Ring {
        var bytes: [UInt8] = []
        var dropped = false
    }

    private let capacity: Int
    private let ring = Mutex(Ring())

    public init(capacity: Int = StderrTail.defaultCapacity) {
        self.capacity = capacity
    }

    public func append(_ chunk: UnsafeRawBufferPointer) {
        ring.withLock { ring in
            ring.bytes.append(contentsOf: chunk)
            // Trim in blocks rather than per chunk, so appending stays linear.
            if ring.bytes.count > capacity * 2 {
                ring.bytes.removeFirst(ring.bytes.count - capacity)
                ring.dropped = true
            }
        }
    }

    /// The tail as text: at most `capacity` bytes, starting at a line boundary when truncated.
    public func text() -> String {
        ring.withLock { ring in
            var slice = ring.bytes[...]
            var truncated = ring.dropped
            if slice.count > capacity {
                slice = slice.suffix(capacity)
                truncated = true
            }
            if truncated, let newline = slice.firstIndex(of: 0x0A) {
                slice = slice[(newline + 1)...]
            }
            return String(decoding: slice, as: UTF8.self)
        }
    }
}
