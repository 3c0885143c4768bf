/// One JSON text, checked to hold exactly what `JSONValue.parse` accepts, and kept as its bytes.
///
/// What a tool returns is mostly passed on as it is (into a runner's reply line, to an MCP
/// client, to a model), so it is checked where it enters and parsed only if someone looks into it.
public struct JSONText: Sendable, Equatable {
    public let bytes: [UInt8]

    /// Checks `bytes`; `member` sees each top-level member of an object, as `JSONValue.validate` says.
    public init(checking bytes: [UInt8], member: (UnsafeBufferPointer<UInt8>, Range<Int>) -> Void = { _, _ in }) throws(JSONParseError) {
        try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in try JSONValue.validate(buffer, member: member) }
        }.get()
        self.bytes = bytes
    }

    /// The value. The text was checked against the same grammar when it was made, so the parse
    /// cannot fail; it is still reported as the error it would be.
    public func parsed() throws(JSONParseError) -> JSONValue {
        try JSONValue.parse(bytes: bytes)
    }
}
