import ArgumentParser
import Foundation
import MementoCore
import PluginHost

struct SkillNewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a skill folder from a template.",
        discussion: """
            instructions: a SKILL.md for the model to read.
            script: a Python MCP server on the `mcp` SDK (server.py) and its skill.json; memento
            installs its requirements into a virtual environment of its own at install time.
            native: a SwiftPM package with SkillKit, its skill.json, and one example tool; build it
            with `memento skill build` (needs the SkillSDK folder, given by --sdk or $MEMENTO_SKILLSDK).

            EXAMPLES
              memento skill new meeting-notes --kind instructions
              memento skill new word-count --kind script && memento install word-count
              memento skill new greeter --kind native --sdk ~/src/memento/SkillSDK
              memento skill build greeter && memento call greeter.hello --skill-dir greeter --args '{"name": "Ada"}'
            """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case instructions, script, native
    }

    @Argument(help: ArgumentHelp("The skill name: lowercase letters, digits and '-'.", valueName: "name"))
    var name: String

    @Option(help: "The kind of skill.")
    var kind: Kind = .instructions

    @Option(help: ArgumentHelp("The SkillSDK folder a native skill builds against.", valueName: "dir"))
    var sdk: String?

    @Option(help: ArgumentHelp("Where to create the folder (default: the current directory).", valueName: "dir"))
    var directory: String?

    func validate() throws {
        if let problem = SkillName.problem(with: name) { throw ValidationError(problem) }
    }

    func run() throws {
        let root = (directory.map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .appendingPathComponent(name).standardizedFileURL.path
        guard !FileManager.default.fileExists(atPath: root) else { throw CommandError("\(root) already exists; pick another name or remove it") }
        let files: [String: String]
        switch kind {
        case .instructions:
            files = ["SKILL.md": SkillTemplates.instructions(name: name)]
        case .script:
            files = ["server.py": SkillTemplates.scriptServer(name: name), SkillManifest.fileName: SkillTemplates.scriptManifest(name: name).encoded(.pretty) + "\n"]
        case .native:
            guard let sdk = sdk ?? ProcessInfo.processInfo.environment["MEMENTO_SKILLSDK"] else {
                throw CommandError("a native skill builds against SkillSDK: pass --sdk DIR or set MEMENTO_SKILLSDK")
            }
            let sdkPath = URL(fileURLWithPath: sdk).standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: sdkPath + "/Package.swift") else { throw CommandError("\(sdkPath) is not the SkillSDK folder (no Package.swift)") }
            let module = SkillTemplates.moduleName(for: name)
            files = [
                "Package.swift": SkillTemplates.package(name: name, module: module, sdk: sdkPath),
                "Sources/\(module)/Skill.swift": SkillTemplates.nativeSource(),
                SkillManifest.fileName: SkillTemplates.nativeManifest(name: name).encoded(.pretty) + "\n",
            ]
        }
        for (path, content) in files.sorted(by: { $0.key < $1.key }) {
            let url = URL(fileURLWithPath: root + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
        print(root)
    }
}

/// The files `memento skill new` writes.
enum SkillTemplates {
    static func instructions(name: String) -> String {
        """
        ---
        name: \(name)
        description: Say what this skill does and when to use it, in one or two sentences.
        metadata:
          version: "0.1.0"
        ---
        # \(name)

        Step-by-step instructions for the model go here.

        """
    }

    /// The version of the Python `mcp` SDK the script template is written and tested against.
    static let pythonSDK = "mcp==2.3.0"

    static func scriptServer(name: String) -> String {
        #"""
        """The \#(name) skill: an MCP server on stdio, built with the Python `mcp` SDK.

        Each tool is a typed function; its docstring is the description the model sees. Keep the
        tools in skill.json in step with the functions here: memento lists them from skill.json
        without starting this process.
        """

        from mcp.server.mcpserver import MCPServer
        from mcp.server.mcpserver.exceptions import ToolError

        server = MCPServer(name="\#(name)", version="0.1.0")


        @server.tool()
        def hello(name: str) -> str:
            """Greets someone by name."""
            if not name:
                # ToolError: the caller sees this message; any other exception shows only
                # "Error executing tool hello".
                raise ToolError("name must not be empty")
            return f"Hello, {name}!"


        if __name__ == "__main__":
            server.run()

        """#
    }

    static func scriptManifest(name: String) -> JSONValue {
        [
            "manifest_version": 1, "name": .string(name), "version": "0.1.0", "kind": "script",
            "description": "Say what this skill does and when to use it.",
            "entry": ["command": "python3", "args": ["server.py"]],
            "python": ["requirements": [.string(pythonSDK)]],
            "permissions": ["executables": ["python3"]],
            "tools": [
                ["name": "hello", "description": "Greets someone by name.",
                 "input_schema": ["type": "object", "properties": ["name": ["type": "string", "minLength": 1]], "required": ["name"]]],
            ],
        ]
    }

    /// Unique per skill, so two plugins never share a Swift module name (plugin-abi.md §7.4).
    static func moduleName(for name: String) -> String {
        let hash = SHA256Hex.of(Data((name + UUID().uuidString).utf8)).prefix(8)
        return "Skill_" + name.replacingOccurrences(of: "-", with: "_") + "_" + hash
    }

    static func package(name: String, module: String, sdk: String) -> String {
        """
        // swift-tools-version:6.1
        // A native Memento skill. `memento skill build` generates Manifest.swift from skill.json,
        // builds the library and records its hash.
        import PackageDescription

        let package = Package(
            name: "\(name)",
            products: [.library(name: "\(name)", type: .dynamic, targets: ["\(module)"])],
            dependencies: [.package(path: "\(sdk)")],
            targets: [
                .target(
                    name: "\(module)",
                    dependencies: [.product(name: "SkillKit", package: "SkillSDK"), .product(name: "SkillABI", package: "SkillSDK")],
                    // Export skill_abi_v1_entry and nothing else; bind every symbol at load time.
                    linkerSettings: [.unsafeFlags(["-Xlinker", "--version-script=\(sdk)/skill.map", "-Xlinker", "-z", "-Xlinker", "now"])]
                ),
            ],
            swiftLanguageModes: [.v6]
        )

        """
    }

    static func nativeSource() -> String {
        #"""
        import SkillABI
        import SkillKit

        // One method per tool: Decodable input, Encodable output. Throw SkillError for a failure
        // the caller should see; never trap (fatalError, try!, force unwraps) on bad input.
        struct ThisSkill: Skill {
            static let identity = SkillIdentity(name: skillName, version: skillVersion, manifest: skillManifest)
            static let tools: [SkillTool<ThisSkill>] = [.tool("hello", ThisSkill.hello)]

            struct HelloInput: Decodable { let name: String }
            struct HelloOutput: Encodable { let greeting: String }

            func hello(_ input: HelloInput) throws -> HelloOutput {
                guard !input.name.isEmpty else { throw SkillError("invalid_arguments", "name must not be empty") }
                return HelloOutput(greeting: "Hello, \(input.name)!")
            }
        }

        @c(skill_abi_v1_entry)
        public func skillEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<skill_descriptor>? {
            SkillExport.entry(ThisSkill.self, major, minor)
        }

        """#
    }

    static func nativeManifest(name: String) -> JSONValue {
        [
            "manifest_version": 1, "name": .string(name), "version": "0.1.0", "kind": "native",
            "description": "Say what this skill does and when to use it.",
            "entry": ["library": .string("lib\(name).so")], "abi": ["major": .number(JSONNumber(NativeABI.major)), "minor": .number(JSONNumber(NativeABI.minor))],
            "build": ["info": .string(NativeABI.hostToolchain)],
            "tools": [
                ["name": "hello", "description": "Greets someone by name.",
                 "input_schema": ["type": "object", "properties": ["name": ["type": "string", "minLength": 1]], "required": ["name"]]],
            ],
        ]
    }
}
