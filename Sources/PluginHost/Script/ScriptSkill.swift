import Foundation
import MCP
import MementoCore

/// A script skill is an MCP server on stdio that the skill folder describes: `entry.command`
/// and `entry.args`, run in the skill's folder, with its Python environment first on PATH when
/// it has one (see `PythonEnvironments`).
public enum ScriptSkill {
    /// The program `entry.command` names: a path with a slash is relative to the skill's folder,
    /// a bare name is looked up on PATH when started.
    public static func program(command: String, root: String) -> String {
        command.contains("/") && !command.hasPrefix("/") ? root + "/" + command : command
    }

    static func serverConfig(root: String, environments: PythonEnvironments?) throws(ToolCallError) -> MCPServerConfig {
        let manifest: SkillManifest
        do {
            manifest = try SkillManifest.load(from: URL(fileURLWithPath: root + "/" + SkillManifest.fileName))
        } catch {
            throw .manifest(error)
        }
        guard let command = manifest.entry?.command, !command.isEmpty else {
            throw .manifest(ManifestError(file: root + "/" + SkillManifest.fileName, field: "entry.command", problem: "expected the program that serves MCP on stdio"))
        }
        var program = program(command: command, root: root)
        var environment: [String: String] = [:]
        if let environments, let python = environments.interpreter(for: manifest) {
            let bin = (python as NSString).deletingLastPathComponent
            if ["python", "python3"].contains(command) { program = python }
            environment["PATH"] = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            environment["VIRTUAL_ENV"] = (bin as NSString).deletingLastPathComponent
        }
        return MCPServerConfig(name: manifest.name, command: program, arguments: manifest.entry?.args ?? [], environment: environment,
                               workingDirectory: root)
    }
}
