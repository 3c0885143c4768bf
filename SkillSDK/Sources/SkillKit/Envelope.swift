#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The request envelope `{"tool": NAME, "settings": {…}, "arguments": {…}}` split at its
/// top-level members, without decoding them. The tool's decoder then reads only its own
/// arguments (and settings), so a call decodes its input once, as a direct Swift call would;
/// decoding the envelope as a whole through `JSONDecoder` cost more than a tenth of a call.
///
/// Members may come in any order, with any whitespace; other members are skipped; a repeated
/// member counts as its last. The split checks the structure it walks (strings, brackets, the
/// scalars between them) without allocating; the members it keeps are checked in full by the
/// `JSONDecoder` that reads them.
///
/// The host writes the arguments last. So once the tool is known, a quick split takes the
/// arguments as the rest of the request up to its closing brace, and leaves them to the
/// decoder, which accepts only one whole value: when it does, the envelope was whole. When it
/// does not, the request is split member by member (`tookRest` says which split this is), to
/// tell a broken envelope, or one with members after the arguments, from bad arguments.
struct Envelope {
    let tool: String
    /// True when the arguments were taken as the rest of the request, unchecked.
    let tookRest: Bool
    let request: UnsafeRawBufferPointer
    private let argumentsRange: Range<Int>?
    /// Nil when absent or `null`: the skill's settings then decode from `{}`.
    private let settingsRange: Range<Int>?

    /// `request` must outlive the envelope: its members are views of it, not copies.
    init(_ request: UnsafeRawBufferPointer, quick: Bool = true) throws(RequestError) {
        var reader = Reader(bytes: request)
        var tool: String?
        var arguments: Range<Int>?
        var settings: Range<Int>?
        var tookRest = false
        try reader.expect(UInt8(ascii: "{"))
        if !reader.consume(UInt8(ascii: "}")) {
            members: repeat {
                let key = try reader.string()
                try reader.expect(UInt8(ascii: ":"))
                let member = try Member(key, in: request)
                if quick, member == .arguments, tool != nil, let rest = reader.restBeforeClosingBrace() {
                    arguments = rest
                    tookRest = true
                    break members
                }
                let value = try reader.value()
                switch member {
                case .tool?:
                    guard request[value.lowerBound] == UInt8(ascii: "\"") else { throw .badRequest }
                    tool = try Envelope.text(of: value, in: request)
                case .arguments?: arguments = value
                case .settings?: settings = value
                case nil: break
                }
            } while reader.consume(UInt8(ascii: ","))
            if !tookRest {
                try reader.expect(UInt8(ascii: "}"))
                guard reader.atEnd else { throw .badRequest }
            }
        }
        guard let tool else { throw .badRequest }
        self.tool = tool
        self.tookRest = tookRest
        self.request = request
        argumentsRange = arguments
        settingsRange = settings.flatMap { Envelope.matches($0, in: request, "null") ? nil : $0 }
    }

    /// The arguments' bytes, borrowed; nil when the request has none.
    var arguments: Data? { argumentsRange.map(view) }

    /// The settings' bytes, borrowed; nil when absent or `null`.
    var settings: Data? { settingsRange.map(view) }

    /// `Data` that neither copies nor frees the request's bytes.
    private func view(_ range: Range<Int>) -> Data {
        guard let base = request.baseAddress, !range.isEmpty else { return Data() }
        return Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base + range.lowerBound), count: range.count, deallocator: .none)
    }

    /// The members the envelope reads.
    private enum Member {
        case tool, arguments, settings

        /// Nil for any other key. Keys are compared as bytes; one with an escape is decoded first.
        init?(_ key: Range<Int>, in request: UnsafeRawBufferPointer) throws(RequestError) {
            let inner = (key.lowerBound + 1)..<(key.upperBound - 1)
            if Envelope.hasEscape(inner, in: request) {
                switch try Envelope.text(of: key, in: request) {
                case "tool": self = .tool
                case "arguments": self = .arguments
                case "settings": self = .settings
                default: return nil
                }
            } else if Envelope.matches(inner, in: request, "tool") {
                self = .tool
            } else if Envelope.matches(inner, in: request, "arguments") {
                self = .arguments
            } else if Envelope.matches(inner, in: request, "settings") {
                self = .settings
            } else {
                return nil
            }
        }
    }

    // Plain loops rather than `elementsEqual` and `contains`: the names are a few bytes long,
    // and the generic algorithms cost more to set up than the comparison itself.
    private static func matches(_ range: Range<Int>, in request: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        var offset = 0
        while offset < range.count {
            guard request[range.lowerBound + offset] == word.utf8Start[offset] else { return false }
            offset += 1
        }
        return true
    }

    private static func hasEscape(_ range: Range<Int>, in request: UnsafeRawBufferPointer) -> Bool {
        var index = range.lowerBound
        while index < range.upperBound {
            if request[index] == UInt8(ascii: "\\") { return true }
            index += 1
        }
        return false
    }

    /// The text of a JSON string token (quotes included in `range`). Escapes are rare in names,
    /// so they go through `JSONDecoder` rather than a second unescaper.
    private static func text(of range: Range<Int>, in request: UnsafeRawBufferPointer) throws(RequestError) -> String {
        let inner = (range.lowerBound + 1)..<(range.upperBound - 1)
        guard hasEscape(inner, in: request) else { return String(decoding: request[inner], as: UTF8.self) }
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
            while index < bytes.count, Reader.isWhitespace(bytes[index]) { index += 1 }
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

        /// From the next token to the request's last closing brace, whitespace trimmed; nil when
        /// the request does not end with a brace after some value.
        func restBeforeClosingBrace() -> Range<Int>? {
            var start = index
            while start < bytes.count, Reader.isWhitespace(bytes[start]) { start += 1 }
            var end = bytes.count
            while end > start, Reader.isWhitespace(bytes[end - 1]) { end -= 1 }
            guard end > start, bytes[end - 1] == UInt8(ascii: "}") else { return nil }
            end -= 1
            while end > start, Reader.isWhitespace(bytes[end - 1]) { end -= 1 }
            return end > start ? start..<end : nil
        }

        private static func isWhitespace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }

        /// A string token, quotes included.
        mutating func string() throws(RequestError) -> Range<Int> {
            skipWhitespace()
            let start = index
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw .badRequest }
            index = try Reader.stringEnd(in: bytes, after: index)
            return start..<index
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
                index = try Reader.containerEnd(in: bytes, at: index)
            default:
                // true, false, null or a number.
                while index < bytes.count, Reader.isScalarByte(bytes[index]) { index += 1 }
                guard index > start else { throw .badRequest }
            }
            return start..<index
        }

        // The two scans below run over every byte of the arguments; they are static, on a local
        // cursor, so that it stays in a register instead of being stored back on every step.

        /// Just past the string whose opening quote is at `quote`.
        private static func stringEnd(in bytes: UnsafeRawBufferPointer, after quote: Int) throws(RequestError) -> Int {
            var index = quote + 1
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") { return index + 1 }
                if byte == UInt8(ascii: "\\") {
                    index += 2
                } else if byte < 0x20 {
                    throw .badRequest
                } else {
                    index += 1
                }
            }
            throw .badRequest
        }

        /// Just past the object or array whose opening bracket is at `start`.
        private static func containerEnd(in bytes: UnsafeRawBufferPointer, at start: Int) throws(RequestError) -> Int {
            var open = OpenBrackets()
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    index = try stringEnd(in: bytes, after: index)
                    continue
                case UInt8(ascii: "{"): open.push(isObject: true)
                case UInt8(ascii: "["): open.push(isObject: false)
                case UInt8(ascii: "}"):
                    guard open.pop() == true else { throw .badRequest }
                    if open.isEmpty { return index + 1 }
                case UInt8(ascii: "]"):
                    guard open.pop() == false else { throw .badRequest }
                    if open.isEmpty { return index + 1 }
                default: break
                }
                index += 1
            }
            throw .badRequest
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

    /// The brackets still open, innermost last: one bit each (object or array), so that the
    /// common case allocates nothing; levels past 64 spill into an array.
    private struct OpenBrackets {
        private var bits: UInt64 = 0
        private var count = 0
        private var deeper: [Bool] = []

        var isEmpty: Bool { count == 0 }

        mutating func push(isObject: Bool) {
            if count < 64 {
                bits = bits << 1 | (isObject ? 1 : 0)
            } else {
                deeper.append(isObject)
            }
            count += 1
        }

        /// Whether the innermost open bracket was an object's; nil when none is open.
        mutating func pop() -> Bool? {
            guard count > 0 else { return nil }
            count -= 1
            if count >= 64 { return deeper.popLast() }
            defer { bits >>= 1 }
            return bits & 1 == 1
        }
    }
}
