#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The request envelope `{"tool": NAME, "arguments": {…}, "settings": {…}}` split at its
/// top-level members, without decoding them. The tool's decoder then reads only its own
/// arguments (and settings), so a call decodes its input once, as a direct Swift call would;
/// decoding the envelope as a whole through `JSONDecoder` cost more than a tenth of a call.
///
/// Members may come in any order, with any whitespace; other members are skipped. The split
/// checks the structure it walks (strings, brackets, the scalars between them); the members it
/// keeps are checked in full by the `JSONDecoder` that reads them.
struct Envelope {
    let tool: String
    let arguments: Data?
    /// Nil when absent or `null`: the skill's settings then decode from `{}`.
    let settings: Data?

    /// `request` must outlive the envelope: the members are views of it, not copies.
    init(_ request: UnsafeRawBufferPointer) throws(RequestError) {
        var reader = Reader(bytes: request)
        var tool: String?
        var arguments: Range<Int>?
        var settings: Range<Int>?
        try reader.expect(UInt8(ascii: "{"))
        if !reader.consume(UInt8(ascii: "}")) {
            repeat {
                let key = try reader.string()
                try reader.expect(UInt8(ascii: ":"))
                let value = try reader.value()
                switch try Envelope.text(of: key, in: request) {
                case "tool":
                    guard request[value.lowerBound] == UInt8(ascii: "\"") else { throw .badRequest }
                    tool = try Envelope.text(of: value, in: request)
                case "arguments": arguments = value
                case "settings": settings = value
                default: break
                }
            } while reader.consume(UInt8(ascii: ","))
            try reader.expect(UInt8(ascii: "}"))
        }
        guard reader.atEnd, let tool else { throw .badRequest }
        self.tool = tool
        self.arguments = arguments.map { Envelope.view($0, of: request) }
        let isNull = settings.map { request[$0].elementsEqual("null".utf8) } ?? true
        self.settings = isNull ? nil : settings.map { Envelope.view($0, of: request) }
    }

    /// The bytes, borrowed: `Data` that neither copies nor frees them.
    private static func view(_ range: Range<Int>, of request: UnsafeRawBufferPointer) -> Data {
        guard let base = request.baseAddress, !range.isEmpty else { return Data() }
        return Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base + range.lowerBound), count: range.count, deallocator: .none)
    }

    /// The text of a JSON string token (quotes included in `range`). Escapes are rare in names,
    /// so they go through `JSONDecoder` rather than a second unescaper.
    private static func text(of range: Range<Int>, in request: UnsafeRawBufferPointer) throws(RequestError) -> String {
        let inner = request[(range.lowerBound + 1)..<(range.upperBound - 1)]
        guard inner.contains(UInt8(ascii: "\\")) else { return String(decoding: inner, as: UTF8.self) }
        guard let text = try? SkillCodec.decoder.decode(String.self, from: Data(request[range])) else { throw .badRequest }
        return text
    }

    /// A cursor that skips whitespace before every token it reads.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var atEnd: Bool {
            mutating get {
                skipWhitespace()
                return index == bytes.count
            }
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func expect(_ byte: UInt8) throws(RequestError) {
            guard consume(byte) else { throw .badRequest }
        }

        /// A string token, quotes included.
        mutating func string() throws(RequestError) -> Range<Int> {
            skipWhitespace()
            let start = index
            try expect(UInt8(ascii: "\""))
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    index += 1
                    return start..<index
                case UInt8(ascii: "\\"): index += 2
                case 0x00..<0x20: throw .badRequest
                default: index += 1
                }
            }
            throw .badRequest
        }

        /// Any value: a string, an object or array with balanced brackets, or a scalar.
        mutating func value() throws(RequestError) -> Range<Int> {
            skipWhitespace()
            guard index < bytes.count else { throw .badRequest }
            let start = index
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return try string()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var closers: [UInt8] = []
                repeat {
                    switch bytes[index] {
                    case UInt8(ascii: "\""):
                        _ = try string()
                        continue
                    case UInt8(ascii: "{"): closers.append(UInt8(ascii: "}"))
                    case UInt8(ascii: "["): closers.append(UInt8(ascii: "]"))
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        guard closers.popLast() == bytes[index] else { throw .badRequest }
                    default: break
                    }
                    index += 1
                } while !closers.isEmpty && index < bytes.count
                guard closers.isEmpty else { throw .badRequest }
            default:
                // true, false, null or a number.
                while index < bytes.count, Reader.isScalarByte(bytes[index]) { index += 1 }
                guard index > start else { throw .badRequest }
            }
            return start..<index
        }

        private static func isScalarByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "E"):
                return true
            default:
                return false
            }
        }
    }
}
