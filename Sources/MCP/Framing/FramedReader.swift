import MementoCore
/// Reads a file descriptor to end of file and frames it into lines. Blocking: run it on a
/// dedicated thread (a server's stdout, or a process's own stdin when memento is the server).
public enum FramedReader {
    /// Reads `fd` in 64 KiB chunks until EOF or an error, reporting every framed event, then
    /// closes `fd`.
    public static func run(fd: Int32, maxLineBytes: Int, _ onEvent: (LineFramer.Event) -> Void) {
        var framer = LineFramer(maxLineBytes: maxLineBytes)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer {
            buffer.deallocate()
            Posix.close(fd)
        }
        while true {
            let count = Posix.read(fd, buffer)
            guard count > 0 else { return }
            framer.consume(UnsafeRawBufferPointer(rebasing: buffer[..<count]), onEvent)
        }
    }
}
