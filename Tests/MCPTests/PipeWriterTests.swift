import Foundation
import MCP
import Testing

@Suite("Pipe writer", .timeLimit(.minutes(1)))
struct PipeWriterTests {
    /// No one reads yet, so the pipe fills after 64 KiB: the caller must not block (it may be a
    /// task of the cooperative pool), and once the reader reads, every line arrives whole and in
    /// order, the queued ones after those the pipe took at once, then end of file.
    @Test func aFullPipeQueuesTheRestInOrderWithoutBlockingTheCaller() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let writer = PipeWriter(fd: ends[1], label: "test", ownsPipe: true)
        let lines = (0..<2000).map { index in Array("\(index) \(String(repeating: "x", count: 200))\n".utf8) }
        let start = ContinuousClock.now
        for line in lines { writer.send(line) }
        writer.close()
        #expect(ContinuousClock.now - start < .seconds(5), "send blocked on the full pipe")

        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(ends[0], &chunk, chunk.count)
            guard count > 0 else { break }
            received += chunk[..<count]
        }
        close(ends[0])
        #expect(received.count == lines.reduce(0) { $0 + $1.count })
        #expect(received == Array(lines.joined()))
    }
}
