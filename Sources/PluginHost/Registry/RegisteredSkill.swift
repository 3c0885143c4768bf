import Foundation
import MementoCore

/// A skill as the registry lists it: what it is and which tools it declares. Building one reads
/// files only; nothing is loaded until a tool is called.
public struct RegisteredSkill: Sendable {
    public let name: String
    public let version: String
    public let kind: SkillKind
    public let description: String
    /// The skill's folder (for an installed skill, the store's `current` tree).
    public let root: String
    public let tools: [ToolSpec]

    public init(name: String, version: String, kind: SkillKind, description: String, root: String, tools: [ToolSpec]) {
        self.name = name
        self.version = version
        self.kind = kind
        self.description = description
        self.root = root
        self.tools = tools
    }

    /// Reads a skill folder: `skill.json` when there is one (its tools), otherwise an
    /// instruction skill described by the caller, with no callable tools.
    public static func read(root: String, fallbackName: String, fallbackVersion: String, fallbackDescription: String) throws(ManifestError) -> RegisteredSkill {
        let manifestPath = root + "/" + SkillManifest.fileName
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            return RegisteredSkill(name: fallbackName, version: fallbackVersion, kind: .instructions, description: fallbackDescription, root: root, tools: [])
        }
        let manifest = try SkillManifest.load(from: URL(fileURLWithPath: manifestPath))
        var tools = manifest.kind == .instructions ? [] : manifest.tools
        if manifest.kind == .ffi {
            // Callers see the schema of the C signature: exact integer ranges, no length arguments.
            for index in tools.indices {
                if let schema = FFISkill.inputSchema(of: tools[index]) { tools[index].inputSchema = schema }
            }
        }
        return RegisteredSkill(name: manifest.name, version: manifest.version.description, kind: manifest.kind,
                               description: manifest.description, root: root, tools: tools)
    }
}

/// One callable tool, named `SKILL.TOOL` in the registry's single namespace.
public struct RegisteredTool: Sendable {
    public let skill: RegisteredSkill
    public let spec: ToolSpec
    public var qualifiedName: String { skill.name + "." + spec.name }

    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(qualifiedName), "skill": .string(skill.name), "kind": .string(skill.kind.rawValue),
            "description": .string(spec.description), "input_schema": spec.inputSchema,
        ]
        if let output = spec.outputSchema { object["output_schema"] = output }
        return .object(object)
    }
}
