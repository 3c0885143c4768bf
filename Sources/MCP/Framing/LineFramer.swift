import CSystemShims
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Splits a byte stream into newline-terminated lines, incrementally and in linear time.
///
/// Each input byte is scanned once (with `memchr`) and copied at most once: a line that arrives
/// whole inside one chunk is handed out straight from that chunk, and only a line split across
/// chunks is accumulated in `pending` (see `PendingBytes`). A line longer than `maxLineBytes` is
/// dropped whole and the framer resyncs at the next `\n`, so a runaway peer cannot grow memory
/// without bound. Not copyable: one framer per stream, owning its buffer.
public struct LineFramer: ~Copyable, Sendable {
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
    private let pending = PendingBytes()
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
        } else if pending.count + fragment.count > maxLineBytes || !pending.append(fragment) {
            let head = Array((pending.prefix(Self.headBytes) + fragment.prefix(Self.headBytes)).prefix(Self.headBytes))
            discarding = (pending.count + fragment.count, head)
            pending.reset()
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
        guard pending.count + tail.count <= maxLineBytes, pending.append(tail) else {
            emit(.oversized(bytes: pending.count + tail.count, head: pending.prefix(Self.headBytes)))
            pending.reset()
            return
        }
        pending.withBuffer { emitTrimmed($0, emit) }
        // A huge line's pages go back to the kernel (see `PendingBytes.reset`).
        pending.reset()
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

/// The bytes of a line that spans reads. A small line grows with realloc(3) and its buffer is
/// kept for the next one; a line past `mappedAbove` moves once into an anonymous mapping that
/// grows with mremap(2), so a 16 MiB line read 64 KiB at a time is copied once rather than at
/// every doubling, with transparent huge pages where the system allows them. When the line
/// ends its pages are handed back with MADV_FREE rather than unmapped: one huge line must not
/// pin memory for the connection's life, yet the kernel takes the pages only under pressure,
/// so the next large result (they tend to come in runs) reuses them without faulting in and
/// zeroing 16 MiB again.
final class PendingBytes: @unchecked Sendable {
    static let mappedAbove = 1 << 20
    private var base: UnsafeMutableRawPointer?
    private(set) var count = 0
    private var capacity = 0
    private var mapped = false

    /// False when memory ran out; the bytes held so far are unchanged.
    func append(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return true }
        let needed = count + bytes.count
        if needed > capacity && !grow(to: max(needed, capacity * 2, 4096)) { return false }
        guard let base else { return false }
        memcpy(base + count, source, bytes.count)
        count = needed
        return true
    }

    private func grow(to size: Int) -> Bool {
        let moved: UnsafeMutableRawPointer?
        if mapped, let base {
            moved = memento_mremap_grow(base, capacity, size)
        } else if size > Self.mappedAbove {
            moved = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            if let moved, moved != MAP_FAILED, let base {
                memcpy(moved, base, count)
                free(base)
            }
        } else {
            moved = realloc(base, size)
        }
        guard let moved, moved != MAP_FAILED else { return false }
        if size > Self.mappedAbove {
            mapped = true
            _ = madvise(moved, size, MADV_HUGEPAGE)
        }
        base = moved
        capacity = size
        return true
    }

    func withBuffer<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        body(UnsafeBufferPointer(start: base?.assumingMemoryBound(to: UInt8.self), count: count))
    }

    func prefix(_ length: Int) -> [UInt8] {
        withBuffer { Array($0.prefix(length)) }
    }

    var isEmpty: Bool { count == 0 }

    /// Empties the buffer at the end of a line. A large line gives its pages back; the short
    /// lines that later reuse the mapping cost no system call.
    func reset() {
        if count > Self.mappedAbove, let base { _ = madvise(base, capacity, MADV_FREE) }
        count = 0
    }

    private func release() {
        if let base {
            if mapped { munmap(base, capacity) } else { free(base) }
        }
        base = nil
        capacity = 0
        mapped = false
    }

    deinit { release() }
}
