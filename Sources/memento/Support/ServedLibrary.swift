import Dispatch
import Foundation
import MCP
import MementoCore
import PluginHost

/// The installed library as `memento serve` offers it: every callable tool as `SKILL.TOOL`,
/// every instruction skill as a prompt (its SKILL.md body), and each skill's SKILL.md and
/// references as resources (`skill://NAME/PATH`).
struct ServedLibrary: ServerLibrary {
    /// The registry validates every call's arguments against the same schemas it lists.
    let validatesArguments = true

    let registry: ToolRegistry

    func tools() -> [JSONValue] {
        registry.tools.map { tool in
            ["name": .string(tool.qualifiedName), "description": .string(tool.spec.description),
             "inputSchema": tool.spec.inputSchema]
        }
    }

    func call(tool: String, arguments: JSONValue, progress: @escaping @Sendable (Double, String?) -> Void) async -> ServedToolResult {
        let skill = (try? registry.tool(named: tool))?.skill.name
        let registry = registry
        // A heartbeat while the tool runs: the client's deadline moves with progress, and a
        // person watching sees it is alive.
        let heartbeat = Task {
            let started = ContinuousClock.now
            progress(0, "running \(tool)")
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if Task.isCancelled { break }
                let elapsed = ContinuousClock.now - started
                progress(Double(elapsed.components.seconds), "running \(tool) (\(elapsed.components.seconds) s)")
            }
        }
        defer { heartbeat.cancel() }
        // The registry blocks; it runs on a thread of its own, and a cancellation stops the
        // skill's process so the thread returns at once.
        let outcome: Result<ToolResult, ToolCallError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    do throws(ToolCallError) {
                        continuation.resume(returning: .success(try registry.call(tool, arguments: arguments)))
                    } catch {
                        continuation.resume(returning: .failure(error))
                    }
                }
            }
        } onCancel: {
            if let skill { registry.stop(skill: skill) }
        }
        switch outcome {
        case .success(let result):
            if let message = result.errorMessage { return .error(message) }
            let output = result.output
            // A script skill answered in MCP's own shape: pass its blocks on unchanged.
            if let content = output["content"]?.arrayValue, content.allSatisfy({ $0["type"]?.stringValue != nil }) {
                return ServedToolResult(content: content, structuredContent: output["structuredContent"])
            }
            return ServedToolResult(content: [["type": "text", "text": .string(output.encoded(.pretty))]],
                                    structuredContent: output.objectValue != nil ? output : nil)
        case .failure(let error):
            return .error(error.description)
        }
    }

    func prompts() -> [JSONValue] {
        registry.skills.filter { $0.kind == .instructions }.map { skill in
            ["name": .string(skill.name), "description": .string(skill.description)]
        }
    }

    func prompt(named name: String, arguments: [String: String]) -> (description: String, messages: [JSONValue])? {
        guard let skill = registry.skills.first(where: { $0.name == name && $0.kind == .instructions }),
              let text = try? String(contentsOfFile: skill.root + "/" + SkillDocument.fileName, encoding: .utf8) else { return nil }
        let body = SkillDocument.load(text: text, folderName: name).document?.body ?? text
        return (skill.description, [["role": "user", "content": ["type": "text", "text": .string(body)]]])
    }

    func resources() -> [JSONValue] {
        registry.skills.flatMap { skill in
            ServedLibrary.documents(of: skill).map { path in
                ["uri": .string("skill://\(skill.name)/\(path)"), "name": .string("\(skill.name)/\(path)"),
                 "mimeType": .string(ServedLibrary.mimeType(path))]
            }
        }
    }

    func read(uri: String) -> [JSONValue]? {
        guard uri.hasPrefix("skill://") else { return nil }
        let rest = uri.dropFirst("skill://".count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let name = String(rest[..<slash]), path = String(rest[rest.index(after: slash)...])
        // Only what resources/list offers: no path of the client's choosing reaches the disk.
        guard let skill = registry.skills.first(where: { $0.name == name }), ServedLibrary.documents(of: skill).contains(path),
              let text = try? String(contentsOfFile: skill.root + "/" + path, encoding: .utf8) else { return nil }
        return [["uri": .string(uri), "mimeType": .string(ServedLibrary.mimeType(path)), "text": .string(text)]]
    }

    /// SKILL.md and the text files under references/, relative to the skill's folder.
    static func documents(of skill: RegisteredSkill) -> [String] {
        var paths: [String] = []
        if FileManager.default.fileExists(atPath: skill.root + "/" + SkillDocument.fileName) { paths.append(SkillDocument.fileName) }
        let references = skill.root + "/references"
        for case let file as String in FileManager.default.enumerator(atPath: references) ?? FileManager.DirectoryEnumerator()
        where [".md", ".txt", ".json", ".yaml", ".yml", ".csv"].contains(where: file.hasSuffix) {
            paths.append("references/" + file)
        }
        return paths.sorted()
    }

    static func mimeType(_ path: String) -> String {
        if path.hasSuffix(".md") { return "text/markdown" }
        if path.hasSuffix(".json") { return "application/json" }
        if path.hasSuffix(".csv") { return "text/csv" }
        return "text/plain"
    }
}
