// `make bench`: memento's MCP client read path on one large message from stdin, as the client
// reads a server's stdout: line framing, JSON parsing, then the tools/call result rendered.
// The bench times the whole process; this prints the rendered text's size to prove the work.
import Foundation
import MCP
import MementoCore

var result: ToolCallResult?
FramedReader.run(fd: STDIN_FILENO, maxLineBytes: 64 << 20) { event in
    guard case .line(let line) = event, let message = try? JSONValue.parse(line), let body = message["result"] else { return }
    result = ToolCallResult(reading: body, tool: nil, spill: SpillPolicy(directory: nil))
}
guard let result else {
    FileHandle.standardError.write(Data("no tools/call result on stdin\n".utf8))
    exit(2)
}
print(result.text.utf8.count)
