import MCP
import MementoCore
import Synchronization

/// A `MessageOutput` that records every line, for driving a peer without a process.
final class CapturingOutput: MessageOutput {
    private let lines = Mutex<[JSONValue]>([])

    func send(_ line: [UInt8]) {
        // Drop the trailing newline; every line must parse on its own.
        let value = (try? JSONValue.parse(bytes: line.dropLast())) ?? .string("unparseable: \(String(decoding: line, as: UTF8.self))")
        lines.withLock { $0.append(value) }
    }

    func close() {}

    var sent: [JSONValue] { lines.withLock { $0 } }
}

extension JSONRPCPeer {
    /// Feeds one line as the transport would.
    func receive(text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { receive($0) }
    }
}
