import MementoCore
import Testing
@testable import PluginHost

/// A native skill's reply is kept as the text the plugin wrote: checked when it arrives, parsed
/// only when read. Whether it is an error reply is read off the check, and must agree with the
/// parsed value in every case.
@Suite("Tool replies kept as text")
struct ToolReplyTests {
    @Test(arguments: [
        (#"{"error":{"code":"x","message":"m"}}"#, true),
        (" {\n \"error\" : { } } ", true),
        (#"{"\u0065rror":{"message":"escaped name"}}"#, true),
        (#"{"error":1,"error":{}}"#, true),
        (#"{"error":{},"error":1}"#, false),
        (#"{"error":"text"}"#, false),
        (#"{"error":{},"ok":1}"#, false),
        (#"[{"error":{}}]"#, false),
        (#"{"errors":{}}"#, false),
        (#"{}"#, false),
        (#""error""#, false),
    ])
    func anErrorReplyIsRecognisedAsItsValueWouldBe(text: String, isError: Bool) throws {
        let reply = try ToolResult(checking: Array(text.utf8))
        let value = try JSONValue.parse(text)
        #expect(reply.isError == isError)
        #expect(ToolResult(output: value).isError == isError)
        #expect(reply.output == value)
        #expect(reply == ToolResult(output: value))
        if isError { #expect(reply.errorMessage == (value["error"]?["message"]?.stringValue ?? value.encoded())) }
    }

    @Test func textThatIsNotOneJSONValueIsRefused() {
        for text in ["", "{", #"{"a":1} {"b":2}"#, "nul", #"{"a":"\#u{1}"}"#] {
            #expect(throws: JSONParseError.self, "\(text)") { try ToolResult(checking: Array(text.utf8)) }
        }
        #expect(throws: JSONParseError.self) { try ToolResult(checking: [0x22, 0xFF, 0x22]) }
    }

    /// A runner's reply line carries the plugin's own text unless that text breaks lines.
    @Test func theEncodedReplyIsOneLine() throws {
        let compact = Array(#"{"b":1,"a":[2]}"#.utf8)
        #expect(try ToolResult(checking: compact).encoded == compact)
        let pretty = Array("{\n  \"b\": 1,\r\n  \"a\": [2]\n}".utf8)
        #expect(try ToolResult(checking: pretty).encoded == Array(#"{"a":[2],"b":1}"#.utf8))
        #expect(ToolResult(output: ["b": 1, "a": [2]]).encoded == Array(#"{"a":[2],"b":1}"#.utf8))
    }
}
