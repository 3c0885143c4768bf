// `make bench`: memento's MCP client read path on one large message from stdin, as the client
// reads a server's stdout: line framing, JSON parsing, then the tools/call result rendered.
// The bench times the whole process; this prints how many results it read and the last one's
// text size, to prove the work.
import Foundation
import MCP
import MementoCore

var result: ToolCallResult?
var read = 0
// The client's own limit: a message the real client would drop must not be measured as read.
FramedReader.run(fd: STDIN_FILENO, maxLineBytes: LineFramer.defaultMaxLineBytes) { event in
    guard case .line(let line) = event, let message = try? JSONValue.parse(line), let body = message["result"] else { return }
    result = ToolCallResult(reading: body, tool: nil, spill: SpillPolicy(directory: nil))
    read += 1
}
guard let result else {
    FileHandle.standardError.write(Data("no tools/call result on stdin\n".utf8))
    exit(2)
}
print(read, result.text.utf8.count)
