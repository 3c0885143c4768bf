import Foundation
import MCP
import MementoCore

/// Answers a server's form elicitation by asking on the terminal. The schema is a flat object
/// of primitives, so one prompt per property is enough. An empty answer to the first question
/// declines; end of input cancels.
struct TerminalElicitor: Elicitor {
    func elicit(_ request: ElicitationRequest) async -> JSONValue {
        // readLine blocks, so it runs on its own thread, never on the cooperative pool.
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: ask(request)) }
        }
    }

    private func ask(_ request: ElicitationRequest) -> JSONValue {
        MCPCommandSupport.printError("\(request.server) asks: \(request.message)")
        Self.prompt("answer? [y/N] ")
        guard let consent = readLine() else { return ["action": "cancel"] }
        guard consent.lowercased().hasPrefix("y") else { return ["action": "decline"] }
        let properties = request.requestedSchema["properties"]?.objectValue ?? [:]
        let required = Set(request.requestedSchema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        var content: [String: JSONValue] = [:]
        for name in properties.keys.sorted() {
            let schema = properties[name] ?? [:]
            while true {
                let type = schema["type"]?.stringValue ?? "string"
                let hint = schema["description"]?.stringValue.map { " - \($0)" } ?? ""
                Self.prompt("\(name) (\(type)\(required.contains(name) ? ", required" : ""))\(hint): ")
                guard let line = readLine() else { return ["action": "cancel"] }
                if line.isEmpty && !required.contains(name) { break }
                if let value = Self.convert(line, type: type) {
                    content[name] = value
                    break
                }
                MCPCommandSupport.printError("not a valid \(type); try again")
            }
        }
        return ["action": "accept", "content": .object(content)]
    }

    /// A question on stderr, with the cursor left after it for the answer.
    private static func prompt(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    private static func convert(_ text: String, type: String) -> JSONValue? {
        switch type {
        case "integer": return Int64(text).map { .number(JSONNumber($0)) }
        case "number": return JSONNumber(validating: text).map(JSONValue.number)
        case "boolean": return ["true", "yes", "y"].contains(text.lowercased()) ? true : ["false", "no", "n"].contains(text.lowercased()) ? false : nil
        default: return text.isEmpty ? nil : .string(text)
        }
    }
}
