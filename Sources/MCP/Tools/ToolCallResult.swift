import Foundation
import MementoCore

/// A `tools/call` result, checked and rendered for a model or a terminal.
public struct ToolCallResult: Sendable {
    public let isError: Bool
    public let content: [JSONValue]
    /// Present only when it conformed to the tool's `outputSchema` (or the tool has none).
    public let structuredContent: JSONValue?
    /// The content as text, cut to the inline limit when the result was spilled.
    public let text: String
    /// The file holding the whole result when it was too large to show inline.
    public let spilledTo: String?
    /// Schema mismatches and similar; the result is still usable.
    public let warnings: [String]
    /// The result exactly as the server sent it.
    public let raw: JSONValue
}

/// Where and when large results go to a file instead of inline.
public struct SpillPolicy: Sendable {
    /// nil keeps everything inline.
    public var directory: String?
    /// Above this many bytes of rendered text, the result is spilled and the text cut.
    public var maxInlineBytes: Int

    public init(directory: String?, maxInlineBytes: Int = 64 << 10) {
        self.directory = directory
        self.maxInlineBytes = maxInlineBytes
    }
}

extension ToolCallResult {
    /// Checks a raw `tools/call` result against the tool's `outputSchema` (only when it is not
    /// an error), renders its content, and spills it to a file when it is too large.
    public init(reading result: JSONValue, tool: MCPTool?, spill: SpillPolicy) {
        let isError = result["isError"]?.boolValue ?? false
        let content = result["content"]?.arrayValue ?? []
        var warnings: [String] = []
        var structured = result["structuredContent"]
        // Validate only successful results: an error result need not match the schema.
        if !isError, let validator = tool?.outputValidator {
            if let value = structured {
                let problems = validator.validate(value)
                if !problems.isEmpty {
                    warnings.append("structuredContent does not match the outputSchema of \(tool?.qualifiedName ?? "the tool"); using the text content (\(problems.prefix(3).joined(separator: "; ")))")
                    structured = nil
                }
            } else {
                warnings.append("\(tool?.qualifiedName ?? "the tool") declares an outputSchema but returned no structuredContent")
            }
        }
        // One block (the common case, and the large one) shares its string instead of copying it.
        var text = content.count == 1 ? Self.render(content[0]) : content.map(Self.render).joined(separator: "\n")
        if text.isEmpty, let structured { text = structured.encoded(.pretty) }
        var spilledTo: String?
        if text.utf8.count > spill.maxInlineBytes, let directory = spill.directory {
            switch Self.spillToFile(result, directory: directory, server: tool?.server ?? "mcp") {
            case .success(let path):
                spilledTo = path
                text = Self.preview(text, limit: spill.maxInlineBytes) + "\n… [truncated: \(text.utf8.count) bytes in all; the full result is in \(path)]"
            case .failure(let error):
                warnings.append("could not save the large result: \(error)")
            }
        }
        self.init(isError: isError, content: content, structuredContent: structured, text: text, spilledTo: spilledTo, warnings: warnings, raw: result)
    }

    /// One line (or block) per content type; binary data is described, not dumped.
    static func render(_ block: JSONValue) -> String {
        switch block["type"]?.stringValue {
        case "text":
            return block["text"]?.stringValue ?? ""
        case "image", "audio":
            let bytes = (block["data"]?.stringValue?.utf8.count ?? 0) * 3 / 4
            return "[\(block["type"]?.stringValue ?? "binary") \(block["mimeType"]?.stringValue ?? "unknown type"), about \(bytes) bytes]"
        case "resource_link":
            let name = block["name"]?.stringValue ?? ""
            return "[resource link \(name): \(block["uri"]?.stringValue ?? "?")]"
        case "resource":
            let resource = block["resource"] ?? [:]
            if let text = resource["text"]?.stringValue { return text }
            let size = (resource["blob"]?.stringValue?.utf8.count ?? 0) * 3 / 4
            return "[resource \(resource["uri"]?.stringValue ?? "?") \(resource["mimeType"]?.stringValue ?? ""), about \(size) bytes]"
        default:
            return "[unknown content: \(block.encoded().prefix(200))]"
        }
    }

    /// Cuts to at most `limit` bytes, dropping a character the cut would split (at most one).
    static func preview(_ text: String, limit: Int) -> String {
        var bytes = Array(text.utf8.prefix(limit))
        if bytes.count < text.utf8.count {
            while let last = bytes.last, last & 0xC0 == 0x80 { bytes.removeLast() }
            if let last = bytes.last, last >= 0xC0 { bytes.removeLast() }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func spillToFile(_ result: JSONValue, directory: String, server: String) -> Result<String, FileSystemError> {
        let stamp = Int(Date().timeIntervalSince1970 * 1000)
        let path = "\(directory)/\(server)-\(stamp)-\(UInt32.random(in: 0...UInt32.max)).json"
        do {
            try FileSystem.makeDirectories(directory)
            try FileSystem.writeAtomically(result.encodedData(), to: path, permissions: 0o600)
            return .success(path)
        } catch {
            return .failure(error)
        }
    }
}
