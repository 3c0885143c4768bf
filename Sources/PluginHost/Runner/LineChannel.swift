#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Newline-framed messages over a pair of file descriptors, as the runner protocol and script
/// skills use them. Reads can carry a deadline (poll), so a silent peer cannot hang the caller.
final class LineChannel {
    /// The longest line either side accepts (plugin-abi.md §5 step 6).
    static let maximumLineLength = 16 << 20

    enum Failure: Error, Equatable {
        case endOfStream
        case timedOut
        case lineTooLong
        case io(String)
    }

    let input: Int32
    let output: Int32
    /// How long a read polls before it sleeps (`SpinWait`); zero sleeps at once.
    let spin: Duration
    /// Bytes read and not yet returned start at `start`: lines are taken from the front without
    /// moving the rest, which would cost the whole buffer per line when lines arrive together.
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    /// Reused for every read(2), so a line costs no fresh 64 KiB allocation.
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)

    /// `spin` is the window asked for; it applies only where polling can help and harm no one.
    /// On one CPU the peer cannot run while we poll (`SpinWait.window`). And only a pipe is
    /// polled: polling reads must not block, and the flag that makes them so belongs to the open
    /// file, which a terminal or a file shares with whoever else has it open (a runner started by
    /// hand must not leave its shell's terminal non-blocking). A runner's pipes are its and its
    /// host's alone.
    init(input: Int32, output: Int32, spin: Duration = .zero) {
        self.input = input
        self.output = output
        var status = stat()
        let isPipe = fstat(input, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO
        self.spin = isPipe ? SpinWait.window(spin, cpus: SpinWait.usableCPUs) : .zero
        if self.spin > .zero { _ = fcntl(input, F_SETFL, fcntl(input, F_GETFL) | O_NONBLOCK) }
    }

    /// The next line without its newline. `deadline` nil waits forever.
    func readLine(deadline: ContinuousClock.Instant? = nil) throws(Failure) -> [UInt8] {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                scanned = start
                if start == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    start = 0
                    scanned = 0
                }
                return line
            }
            if start > 0 {
                buffer.removeSubrange(..<start)
                start = 0
            }
            scanned = buffer.count
            guard buffer.count <= LineChannel.maximumLineLength else { throw .lineTooLong }
            let count = try fill(deadline: deadline)
            if count == 0 { throw .endOfStream }
            // Most reads bring exactly one whole line: it goes out without passing through the buffer.
            if buffer.isEmpty, chunk[count - 1] == 0x0A, !chunk[..<(count - 1)].contains(0x0A) { return Array(chunk[..<(count - 1)]) }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// One read(2) into `chunk`: how many bytes came, 0 at the end of the stream. With a `spin`
    /// window the input is non-blocking and is read over and over until bytes come or the
    /// window ends; only then does the reader sleep, until input or `deadline`.
    private func fill(deadline: ContinuousClock.Instant?) throws(Failure) -> Int {
        if spin > .zero {
            let end = ContinuousClock.now + spin
            repeat {
                let count = readChunk()
                if count >= 0 { return count }
                guard errno == EAGAIN || errno == EINTR else { throw .io(String(cString: strerror(errno))) }
            } while ContinuousClock.now < end
        }
        while true {
            if deadline != nil || spin > .zero { try wait(until: deadline) }
            let count = readChunk()
            if count >= 0 { return count }
            guard errno == EAGAIN || errno == EINTR else { throw .io(String(cString: strerror(errno))) }
        }
    }

    private func readChunk() -> Int {
        chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
    }

    /// Sleeps until the input is readable (or at its end), or throws `.timedOut` at `deadline`.
    private func wait(until deadline: ContinuousClock.Instant?) throws(Failure) {
        while true {
            var milliseconds: Int32 = -1
            if let deadline {
                let left = ContinuousClock.now.duration(to: deadline)
                guard left > .zero else { throw .timedOut }
                milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            }
            var poller = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw .io(String(cString: strerror(errno))) }
        }
    }

    /// Writes `line` and a newline. A closed peer is `.endOfStream` (SIGPIPE is ignored by the host).
    func writeLine(_ line: [UInt8]) throws(Failure) {
        try write(frame: line + [0x0A])
    }

    /// Writes bytes that already end with their newline, as they are.
    func write(frame: [UInt8]) throws(Failure) {
        try frame.withUnsafeBytes { bytes in Result { () throws(Failure) in try write(frame: bytes) } }.get()
    }

    /// Writes bytes that already end with their newline, as they are.
    func write(frame: UnsafeRawBufferPointer) throws(Failure) {
        guard let base = frame.baseAddress else { return }
        var offset = 0
        while offset < frame.count {
            let written = Glibc.write(output, base + offset, frame.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw .endOfStream }
                throw .io(String(cString: strerror(errno)))
            }
            offset += written
        }
    }
}
