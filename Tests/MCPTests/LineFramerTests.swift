import Foundation
import MCP
import MementoCore
import Testing

/// Collects framer events as strings ("line:…" / "oversized:N") for easy comparison.
private func frame(_ chunks: [[UInt8]], max: Int = LineFramer.defaultMaxLineBytes) -> [String] {
    var framer = LineFramer(maxLineBytes: max)
    var events: [String] = []
    for chunk in chunks {
        chunk.withUnsafeBytes { raw in
            framer.consume(raw) { event in
                switch event {
                case .line(let line): events.append("line:" + String(decoding: line, as: UTF8.self))
                case .oversized(let bytes, _): events.append("oversized:\(bytes)")
                }
            }
        }
    }
    return events
}

@Suite("Line framing")
struct LineFramerTests {
    @Test func splitReadsAreReassembled() {
        let message = #"{"jsonrpc":"2.0","method":"x"}"# + "\n" + #"{"b":2}"# + "\n"
        let byteByByte = Array(message.utf8).map { [$0] }
        #expect(frame(byteByByte) == [#"line:{"jsonrpc":"2.0","method":"x"}"#, #"line:{"b":2}"#])
    }

    @Test func manyLinesInOneChunk() {
        #expect(frame([Array("a\nb\n\nc\n".utf8)]) == ["line:a", "line:b", "line:c"])
    }

    @Test func crlfIsAccepted() {
        #expect(frame([Array("one\r\ntw".utf8), Array("o\r".utf8), Array("\n".utf8)]) == ["line:one", "line:two"])
    }

    /// A line spanning reads grows in a heap buffer kept between lines, and moves once into a
    /// mapping past 1 MiB, whose pages are handed back and reused by later lines: every path
    /// must hand out exactly the bytes read.
    @Test func linesThatSpanReadsAreExactOnBothSidesOfTheMappingThreshold() {
        let large = (0..<(3 << 20)).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        var stream: [UInt8] = Array("small-1".utf8) + [0x0A] + large + [0x0A] + Array("small-2".utf8) + [0x0A]
        stream += large.prefix(1 << 20) + [0x0A]
        var framer = LineFramer()
        var lines: [[UInt8]] = []
        for start in stride(from: 0, to: stream.count, by: 65_536) {
            stream[start..<min(start + 65_536, stream.count)].withUnsafeBytes { chunk in
                framer.consume(chunk) { event in
                    if case .line(let line) = event { lines.append(Array(line)) }
                }
            }
        }
        #expect(lines.count == 4)
        #expect(lines.first == Array("small-1".utf8))
        #expect(lines.dropFirst().first == large)
        #expect(lines.dropFirst(2).first == Array("small-2".utf8))
        #expect(lines.last.map { Array($0) } == Array(large.prefix(1 << 20)))
    }

    @Test func incompleteLineWaitsForItsNewline() {
        #expect(frame([Array("partial".utf8)]).isEmpty)
    }

    @Test func overlongLineIsDroppedAndTheNextOneSurvives() {
        let long = String(repeating: "x", count: 40)
        // Whole inside one chunk.
        #expect(frame([Array("\(long)\nok\n".utf8)], max: 16) == ["oversized:40", "line:ok"])
        // Spread over chunks, crossing the cap in the middle of one.
        let chunks = [Array("x\nxxxxxxxxxx".utf8), Array("xxxxxxxxxx".utf8), Array("xxxxx\nafter\n".utf8)]
        #expect(frame(chunks, max: 16) == ["line:x", "oversized:25", "line:after"])
    }

    @Test func lineExactlyAtTheCapIsKept() {
        let exact = String(repeating: "y", count: 16)
        #expect(frame([Array(exact.utf8), Array("\n".utf8)], max: 16) == ["line:" + exact])
    }

    /// Feeds a message of `size` bytes (plus its newline) in 64 KiB chunks through the framer
    /// and the parser.
    private static func readTime(bytes size: Int) -> Duration {
        let prefix = #"{"jsonrpc":"2.0","id":1,"result":{"text":""#
        let suffix = "\"}}"
        // Filled in one allocation: appending 16 M elements one by one is slow in debug builds.
        var line = [UInt8](repeating: UInt8(ascii: "a"), count: size + 1)
        line.replaceSubrange(0..<prefix.utf8.count, with: prefix.utf8)
        line.replaceSubrange((size - suffix.utf8.count)..<size, with: suffix.utf8)
        line[size] = 0x0A
        var framer = LineFramer()
        var parsed = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            line.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let end = min(offset + 65536, raw.count)
                    framer.consume(UnsafeRawBufferPointer(rebasing: raw[offset..<end])) { event in
                        if case .line(let bytes) = event, (try? JSONValue.parse(bytes)) != nil { parsed += 1 }
                    }
                    offset = end
                }
            }
        }
        #expect(parsed == 1)
        return elapsed
    }

    @Test func sixteenMiBMessageReadsInLinearTime() async throws {
        // Best of three, interleaved, so a burst of load from other work does not decide it.
        let (small, large) = try await offPool {
            var small = Duration.seconds(1000)
            var large = Duration.seconds(1000)
            for _ in 0..<3 {
                small = min(small, Self.readTime(bytes: 1 << 20))
                large = min(large, Self.readTime(bytes: LineFramer.defaultMaxLineBytes))
            }
            return (small, large)
        }
        print("framing+parse: 1 MiB \(small), 16 MiB \(large)")
        // Linear means about 16x; quadratic would be about 256x. Allow noise on a shared box.
        #expect(large < small * 48)
        #expect(large < .seconds(10))
    }

    @Test func framedReaderReadsSplitWritesFromAPipe() async throws {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        Thread.detachNewThread {
            for piece in [#"{"a":"#, "1}\r", "\n{\"b\"", ":2}\nlast"] {
                writer.write(Data(piece.utf8))
                Thread.sleep(forTimeInterval: 0.01)
            }
            try? writer.close()
        }
        let fd = dup(pipe.fileHandleForReading.fileDescriptor)
        let lines = try await offPool { () -> [String] in
            var lines: [String] = []
            FramedReader.run(fd: fd, maxLineBytes: 1024) { event in
                if case .line(let bytes) = event { lines.append(String(decoding: bytes, as: UTF8.self)) }
            }
            return lines
        }
        // The unterminated tail is not a message: a peer that dies mid-line sent nothing.
        #expect(lines == [#"{"a":1}"#, #"{"b":2}"#])
    }
}
