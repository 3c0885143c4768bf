/// A JSON parse failure with the byte offset where the text stopped making sense.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSONValue {
    /// Parses one JSON text (RFC 8259). Linear in the input; nesting is capped so hostile input
    /// cannot exhaust the stack.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var copy = text
        return try copy.withUTF8 { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(buffer) }
        }.get()
    }

    public static func parse<Bytes: Collection<UInt8>>(bytes: Bytes) throws(JSONParseError) -> JSONValue {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(buffer) }
        }
        if let contiguous { return try contiguous.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(buffer) }
        }.get()
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var parser = JSONByteParser(bytes: buffer)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == buffer.count else { throw parser.failure("unexpected data after the value") }
        return value
    }

    /// Checks that `buffer` holds one JSON text that `parse` accepts, without building its
    /// value: for text that is passed on as it is, or parsed only if someone asks. When the text
    /// is an object, `member` sees each of its own members, in order, as its name (UTF-8, escapes
    /// resolved) and where its value lies in `buffer`.
    public static func validate(_ buffer: UnsafeBufferPointer<UInt8>,
                                member: (UnsafeBufferPointer<UInt8>, Range<Int>) -> Void = { _, _ in }) throws(JSONParseError) {
        var parser = JSONByteParser(bytes: buffer)
        parser.skipWhitespace()
        if parser.index < buffer.count, buffer[parser.index] == UInt8(ascii: "{") {
            try parser.members { (parser: inout JSONByteParser) throws(JSONParseError) in
                let quote = parser.index
                try parser.skipString()
                let plain = UnsafeBufferPointer(rebasing: buffer[(quote + 1)..<(parser.index - 1)])
                var escaped: String?
                if plain.contains(UInt8(ascii: "\\")) {
                    parser.index = quote
                    escaped = try parser.parseString()
                }
                try parser.expectColon()
                let start = parser.index
                try parser.skipValue(depth: 1)
                if var escaped {
                    escaped.withUTF8 { member($0, start..<parser.index) }
                } else {
                    member(plain, start..<parser.index)
                }
            }
        } else {
            try parser.skipValue(depth: 0)
        }
        parser.skipWhitespace()
        guard parser.index == buffer.count else { throw parser.failure("unexpected data after the value") }
    }
}

struct JSONByteParser {
    static let maximumDepth = 512

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func failure(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < JSONByteParser.maximumDepth else { throw failure("nesting deeper than \(JSONByteParser.maximumDepth)") }
        guard index < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected character '\(Unicode.Scalar(bytes[index]))'")
        }
    }

    mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count else { throw failure("unexpected end of input") }
        for offset in 0..<length where bytes[index + offset] != word.utf8Start[offset] {
            throw failure("invalid literal")
        }
        index += length
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = index
        guard JSONNumber.scan(bytes, &index) else { throw failure("invalid number") }
        let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        return JSONNumber(trustedLiteral: literal)
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        var items: [JSONValue] = []
        try elements { (parser: inout JSONByteParser) throws(JSONParseError) in items.append(try parser.parseValue(depth: depth + 1)) }
        return .array(items)
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        var members: [String: JSONValue] = [:]
        try self.members { (parser: inout JSONByteParser) throws(JSONParseError) in
            if members.isEmpty {
                // Room for three members from the start: most objects are small, and a
                // dictionary that grows one member at a time allocates and rehashes at each step.
                members.reserveCapacity(3)
            }
            let key = try parser.parseString()
            try parser.expectColon()
            members[key] = try parser.parseValue(depth: depth + 1)
        }
        return .object(members)
    }

    /// Moves past one value, checking it exactly as `parseValue` would, without building it.
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        guard depth < JSONByteParser.maximumDepth else { throw failure("nesting deeper than \(JSONByteParser.maximumDepth)") }
        guard index < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            try members { (parser: inout JSONByteParser) throws(JSONParseError) in
                try parser.skipString()
                try parser.expectColon()
                try parser.skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "["): try elements { (parser: inout JSONByteParser) throws(JSONParseError) in try parser.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard JSONNumber.scan(bytes, &index) else { throw failure("invalid number") }
        default: throw failure("unexpected character '\(Unicode.Scalar(bytes[index]))'")
        }
    }

    /// The punctuation of an array, at its `[`: `element` reads each element, from its first byte.
    mutating func elements(_ element: (inout JSONByteParser) throws(JSONParseError) -> Void) throws(JSONParseError) {
        index += 1
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            guard index < bytes.count else { throw failure("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return }
            throw failure("expected ',' or ']' in array")
        }
    }

    /// The punctuation of an object, at its `{`: `member` reads each member from the opening
    /// quote of its name, through `expectColon`, to the end of its value.
    mutating func members(_ member: (inout JSONByteParser) throws(JSONParseError) -> Void) throws(JSONParseError) {
        index += 1
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            try member(&self)
            skipWhitespace()
            guard index < bytes.count else { throw failure("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return }
            throw failure("expected ',' or '}' in object")
        }
    }

    /// The `:` between a member's name and its value, and the whitespace around it.
    mutating func expectColon() throws(JSONParseError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':' after key") }
        index += 1
        skipWhitespace()
    }

    /// True when some byte of `word` is `"`, `\` or below 0x20 (it may rarely say true for
    /// other bytes next to such a one, never false for one): the classic "has zero byte" and
    /// "has byte less than" bit tricks.
    @inline(__always)
    static func mayEndPlainText(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote & highs
        let hasBackslash = (backslash &- ones) & ~backslash & highs
        let hasControl = (word &- ones &* 0x20) & ~word & highs
        return (hasQuote | hasBackslash | hasControl) != 0
    }

    /// Where text that needs no unescaping ends, from `start`: at the first quote, backslash or
    /// control character, or at the end; and whether all of it was ASCII. Most strings are names
    /// and short values, so the first sixteen bytes are looked at one by one; past them, sixteen
    /// at a time (SIMD), then eight, then one: large tool results are megabytes of plain text.
    static func plainText(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int, isASCII: Bool) {
        var index = start
        var high: UInt8 = 0
        let shortEnd = min(index + 16, bytes.count)
        while index < shortEnd {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return (index, high < 0x80) }
            high |= byte
            index += 1
        }
        var wideHigh = false
        if let base = bytes.baseAddress {
            let quote = SIMD16<UInt8>(repeating: UInt8(ascii: "\"")), backslash = SIMD16<UInt8>(repeating: UInt8(ascii: "\\"))
            let space = SIMD16<UInt8>(repeating: 0x20), top = SIMD16<UInt8>(repeating: 0x7F)
            while index + 16 <= bytes.count {
                let chunk = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD16<UInt8>.self)
                if any((chunk .== quote) .| (chunk .== backslash) .| (chunk .< space)) { break }
                wideHigh = wideHigh || any(chunk .> top)
                index += 16
            }
            while index + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if mayEndPlainText(word) { break }
                wideHigh = wideHigh || word & 0x8080_8080_8080_8080 != 0
                index += 8
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            high |= byte
            index += 1
        }
        return (index, high < 0x80 && !wideHigh)
    }

    mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        let plain = JSONByteParser.plainText(in: bytes, from: start)
        index = plain.end
        guard index < bytes.count else { throw failure("unterminated string") }
        if bytes[index] == UInt8(ascii: "\"") {
            let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            return try decodeUTF8(slice, isASCII: plain.isASCII, at: start)
        }
        if bytes[index] < 0x20 { throw failure("control character in string") }
        var scratch = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try scratch.withUnsafeBufferPointer { buffer in
                    Result { () throws(JSONParseError) -> String in try decodeUTF8(buffer, isASCII: buffer.allSatisfy { $0 < 0x80 }, at: start) }
                }.get()
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw failure("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"): try appendUnicodeEscape(into: &scratch)
                default: throw failure("invalid escape")
                }
            default:
                if byte < 0x20 { throw failure("control character in string") }
                scratch.append(byte)
                index += 1
            }
        }
        throw failure("unterminated string")
    }

    /// Moves past a string, checking it as `parseString` does. Text without escapes (nearly
    /// all of it) is only checked to be UTF-8; anything else takes the parser's own path.
    mutating func skipString() throws(JSONParseError) {
        let quote = index
        let plain = JSONByteParser.plainText(in: bytes, from: quote + 1)
        if plain.end < bytes.count, bytes[plain.end] == UInt8(ascii: "\"") {
            if !plain.isASCII {
                let slice = UnsafeBufferPointer(rebasing: bytes[(quote + 1)..<plain.end])
                guard (try? UTF8Span(validating: slice.span)) != nil else { throw JSONParseError(offset: quote + 1, reason: Self.notUTF8) }
            }
            index = plain.end + 1
            return
        }
        index = quote
        _ = try parseString()
    }

    static let notUTF8 = "string is not valid UTF-8"

    /// The string of `slice`. ASCII (most keys and values, and what the scan for the string's end
    /// already saw) is valid UTF-8 as it stands and skips the validator; other text is validated
    /// in the one pass that copies it.
    func decodeUTF8(_ slice: UnsafeBufferPointer<UInt8>, isASCII: Bool, at offset: Int) throws(JSONParseError) -> String {
        if isASCII { return String(decoding: slice, as: UTF8.self) }
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw JSONParseError(offset: offset, reason: Self.notUTF8)
        }
        return text
    }

    mutating func readHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    mutating func appendUnicodeEscape(into scratch: inout [UInt8]) throws(JSONParseError) {
        var scalarValue = try readHex4()
        if (0xD800...0xDBFF).contains(scalarValue) {
            guard index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw failure("lone high surrogate")
            }
            index += 2
            let low = try readHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw failure("invalid low surrogate") }
            scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalarValue) {
            throw failure("lone low surrogate")
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw failure("invalid code point") }
        scratch.append(contentsOf: UTF8.encode(scalar).map { Array($0) } ?? [])
    }
}
