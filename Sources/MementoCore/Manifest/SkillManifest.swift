import Foundation

/// How a skill's tools are provided.
public enum SkillKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// An Agent Skills folder: the model reads SKILL.md; no code of its own is called.
    case instructions
    /// A process that speaks MCP over stdio.
    case script
    /// A shared object built against `skill_abi.h`.
    case native
    /// C functions of an existing library, called through libffi from declared signatures.
    case ffi
}

/// `skill.json`, manifest version 1: the source of truth for script, native and FFI skills.
public struct SkillManifest: Codable, Hashable, Sendable {
    public static let fileName = "skill.json"
    public static let currentVersion = 1

    public var manifestVersion: Int
    public var name: String
    public var version: SemanticVersion
    public var kind: SkillKind
    public var description: String
    public var tools: [ToolSpec]
    public var entry: Entry?
    public var permissions: Permissions
    public var abi: ABIVersion?
    public var build: BuildInfo?
    public var requires: [Requirement]
    public var python: PythonEnvironment?

    public init(name: String, version: SemanticVersion, kind: SkillKind, description: String, tools: [ToolSpec] = [],
                entry: Entry? = nil, permissions: Permissions = .init(), abi: ABIVersion? = nil, build: BuildInfo? = nil,
                requires: [Requirement] = [], python: PythonEnvironment? = nil)
    {
        self.manifestVersion = SkillManifest.currentVersion
        self.name = name
        self.version = version
        self.kind = kind
        self.description = description
        self.tools = tools
        self.entry = entry
        self.permissions = permissions
        self.abi = abi
        self.build = build
        self.requires = requires
        self.python = python
    }

    enum CodingKeys: String, CodingKey {
        case manifestVersion = "manifest_version", name, version, kind, description, tools, entry, permissions, abi, build, requires, python
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        manifestVersion = try container.decode(Int.self, forKey: .manifestVersion)
        name = try container.decode(String.self, forKey: .name)
        version = try container.decode(SemanticVersion.self, forKey: .version)
        kind = try container.decode(SkillKind.self, forKey: .kind)
        description = try container.decode(String.self, forKey: .description)
        tools = try container.decodeIfPresent([ToolSpec].self, forKey: .tools) ?? []
        entry = try container.decodeIfPresent(Entry.self, forKey: .entry)
        permissions = try container.decodeIfPresent(Permissions.self, forKey: .permissions) ?? .init()
        abi = try container.decodeIfPresent(ABIVersion.self, forKey: .abi)
        build = try container.decodeIfPresent(BuildInfo.self, forKey: .build)
        requires = try container.decodeIfPresent([Requirement].self, forKey: .requires) ?? []
        python = try container.decodeIfPresent(PythonEnvironment.self, forKey: .python)
    }

    /// What runs: a library for native and FFI skills, a command for script skills.
    public struct Entry: Codable, Hashable, Sendable {
        /// Native: the shared object, relative to the skill root. FFI: a library file inside the skill.
        public var library: String?
        /// FFI: a system library by SONAME (`libz.so.1`), resolved through the loader's default path.
        public var soname: String?
        /// Native: the sha256 of `library`, written by `memento skill pack`.
        public var sha256: String?
        /// Script: the program, run with `args`, both relative to the skill root where they name files.
        public var command: String?
        public var args: [String]?

        public init(library: String? = nil, soname: String? = nil, sha256: String? = nil, command: String? = nil, args: [String]? = nil) {
            self.library = library
            self.soname = soname
            self.sha256 = sha256
            self.command = command
            self.args = args
        }
    }

    /// What the skill says it needs. `verify` compares this claim with what the code does.
    public struct Permissions: Codable, Hashable, Sendable {
        public var network: [String]
        public var filesystem: [String]
        public var env: [String]
        public var executables: [String]

        public init(network: [String] = [], filesystem: [String] = [], env: [String] = [], executables: [String] = []) {
            self.network = network
            self.filesystem = filesystem
            self.env = env
            self.executables = executables
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            network = try container.decodeIfPresent([String].self, forKey: .network) ?? []
            filesystem = try container.decodeIfPresent([String].self, forKey: .filesystem) ?? []
            env = try container.decodeIfPresent([String].self, forKey: .env) ?? []
            executables = try container.decodeIfPresent([String].self, forKey: .executables) ?? []
        }
    }

    public struct ABIVersion: Codable, Hashable, Sendable {
        public var major: UInt32
        public var minor: UInt32
        public init(major: UInt32, minor: UInt32) { self.major = major; self.minor = minor }
    }

    public struct BuildInfo: Codable, Hashable, Sendable {
        /// The toolchain id (`swift-6.3.1-RELEASE x86_64-unknown-linux-gnu`), `c` or `static`.
        public var info: String
        public var moduleName: String?
        enum CodingKeys: String, CodingKey { case info, moduleName = "module_name" }
        public init(info: String, moduleName: String? = nil) { self.info = info; self.moduleName = moduleName }
    }

    /// Another skill this one needs, by name and version range.
    public struct Requirement: Codable, Hashable, Sendable {
        public var name: String
        public var version: String
        public init(name: String, version: String = "*") { self.name = name; self.version = version }
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            version = try container.decodeIfPresent(String.self, forKey: .version) ?? "*"
        }
    }

    /// A Python script skill's packages, installed into a per-skill virtual environment.
    public struct PythonEnvironment: Codable, Hashable, Sendable {
        public var requirements: [String]
        public init(requirements: [String]) { self.requirements = requirements }
    }
}

/// One callable tool of a skill.
public struct ToolSpec: Codable, Hashable, Sendable {
    public var name: String
    public var description: String
    public var inputSchema: JSONValue
    public var outputSchema: JSONValue?
    /// FFI only: the C symbol, its return type and its arguments.
    public var symbol: String?
    public var returns: String?
    public var args: [FFIArgument]?

    public init(name: String, description: String, inputSchema: JSONValue = ["type": "object"], outputSchema: JSONValue? = nil,
                symbol: String? = nil, returns: String? = nil, args: [FFIArgument]? = nil)
    {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.symbol = symbol
        self.returns = returns
        self.args = args
    }

    enum CodingKeys: String, CodingKey {
        case name, description, inputSchema = "input_schema", outputSchema = "output_schema", symbol, returns, args
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decode(String.self, forKey: .description)
        inputSchema = try container.decodeIfPresent(JSONValue.self, forKey: .inputSchema) ?? ["type": "object"]
        outputSchema = try container.decodeIfPresent(JSONValue.self, forKey: .outputSchema)
        symbol = try container.decodeIfPresent(String.self, forKey: .symbol)
        returns = try container.decodeIfPresent(String.self, forKey: .returns)
        args = try container.decodeIfPresent([FFIArgument].self, forKey: .args)
    }

    public struct FFIArgument: Codable, Hashable, Sendable {
        public var name: String
        public var type: String
        /// For an integer argument that carries the byte length of a `bytes` argument.
        public var lengthOf: String?
        enum CodingKeys: String, CodingKey { case name, type, lengthOf = "length_of" }
        public init(name: String, type: String, lengthOf: String? = nil) { self.name = name; self.type = type; self.lengthOf = lengthOf }
    }
}

// MARK: - Decoding with errors a person can act on

/// `skill.json` could not be used: names the file, the field and what was expected.
public struct ManifestError: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let field: String?
    public let problem: String

    public init(file: String, field: String?, problem: String) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    public var description: String {
        if let field { return "\(file): field '\(field)': \(problem)" }
        return "\(file): \(problem)"
    }
}

extension SkillManifest {
    /// Decodes and checks a manifest. Any problem is reported as a `ManifestError`.
    public static func decode(_ data: Data, file: String = SkillManifest.fileName) throws(ManifestError) -> SkillManifest {
        let raw: JSONValue
        do {
            raw = try JSONValue.parse(bytes: data)
        } catch {
            throw ManifestError(file: file, field: nil, problem: "\(error)")
        }
        guard case .object(let members) = raw else {
            throw ManifestError(file: file, field: nil, problem: "expected a JSON object at the top level, found \(raw.typeName)")
        }
        if let version = members["manifest_version"], version != .number(JSONNumber(SkillManifest.currentVersion)) {
            throw ManifestError(file: file, field: "manifest_version", problem: "expected \(SkillManifest.currentVersion), found \(version.encoded()); this memento reads manifest version 1 only")
        }
        var manifest: SkillManifest
        do {
            // Decode our own parse, re-encoded, rather than the raw bytes: with a key given twice,
            // Foundation keeps the first and our parser the last, and every field must agree.
            manifest = try JSONDecoder().decode(SkillManifest.self, from: raw.encodedData())
        } catch let error as DecodingError {
            throw ManifestError(decoding: error, file: file)
        } catch {
            throw ManifestError(file: file, field: nil, problem: "\(error)")
        }
        manifest.takeExactSchemas(from: members)
        if let problem = manifest.problems(file: file).first { throw problem }
        return manifest
    }

    /// Foundation's decoder turns `1.0` into `1` and rounds integers past 64 bits; tool schemas are
    /// handed to MCP clients verbatim, so they are taken from our own parse, which keeps every literal.
    private mutating func takeExactSchemas(from members: [String: JSONValue]) {
        guard let rawTools = members["tools"]?.arrayValue, rawTools.count == tools.count else { return }
        // A null schema decodes as absent (the default input schema, no output schema); keep that.
        for (index, rawTool) in rawTools.enumerated() {
            if let schema = rawTool["input_schema"], schema != .null { tools[index].inputSchema = schema }
            if let schema = rawTool["output_schema"], schema != .null { tools[index].outputSchema = schema }
        }
    }

    public static func load(from url: URL) throws(ManifestError) -> SkillManifest {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ManifestError(file: url.path, field: nil, problem: "cannot be read: \(error.localizedDescription)")
        }
        return try decode(data, file: url.path)
    }

    /// Checks that the decoder cannot express: the name rule, per-kind entries, tool names and schemas.
    public func problems(file: String) -> [ManifestError] {
        var found: [ManifestError] = []
        if let problem = SkillName.problem(with: name) {
            found.append(ManifestError(file: file, field: "name", problem: problem))
        }
        if description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || description.unicodeScalars.count > 1024 {
            found.append(ManifestError(file: file, field: "description", problem: "expected 1 to 1024 characters that say what the skill does and when to use it"))
        }
        switch kind {
        case .native:
            if entry?.library?.isEmpty ?? true {
                found.append(ManifestError(file: file, field: "entry.library", problem: "expected the path of the shared object, relative to the skill folder"))
            }
            if abi == nil {
                found.append(ManifestError(file: file, field: "abi", problem: "expected {\"major\": 1, \"minor\": 0} for a native skill"))
            }
        case .script:
            if entry?.command?.isEmpty ?? true {
                found.append(ManifestError(file: file, field: "entry.command", problem: "expected the program that serves MCP on stdio, e.g. \"python3\""))
            }
        case .ffi:
            // An empty string is as good as absent: `"library": ""` beside a soname must not hide it.
            if [entry?.library, entry?.soname].allSatisfy({ ($0 ?? "").isEmpty }) {
                found.append(ManifestError(file: file, field: "entry", problem: "expected \"soname\" (a system library) or \"library\" (a file in the skill)"))
            }
            // dlopen treats a name with a slash as a path, which would load any file on the system.
            if let soname = entry?.soname, soname.contains("/") {
                found.append(ManifestError(file: file, field: "entry.soname", problem: "expected a library file name such as \"libz.so.1\", not a path"))
            }
            for (index, tool) in tools.enumerated() {
                if tool.symbol?.isEmpty ?? true {
                    found.append(ManifestError(file: file, field: "tools[\(index)].symbol", problem: "an FFI tool needs \"symbol\", the C function to call"))
                }
                if tool.returns?.isEmpty ?? true {
                    found.append(ManifestError(file: file, field: "tools[\(index)].returns", problem: "an FFI tool needs \"returns\", the C return type"))
                }
            }
        case .instructions:
            break
        }
        for path in [entry?.library, entry?.command].compactMap({ $0 }) where TreePath.escapes(path) {
            found.append(ManifestError(file: file, field: "entry", problem: "'\(path)' must stay inside the skill folder"))
        }
        if let digest = entry?.sha256, !SHA256Hex.isValid(digest) {
            found.append(ManifestError(file: file, field: "entry.sha256", problem: "expected 64 lowercase hexadecimal digits"))
        }
        // Checked here so a typo names skill.json, not a failure later in dependency resolution.
        for (index, requirement) in requires.enumerated() {
            if let problem = SkillName.problem(with: requirement.name) {
                found.append(ManifestError(file: file, field: "requires[\(index)].name", problem: problem))
            }
            do {
                _ = try VersionRange(parsing: requirement.version)
            } catch {
                found.append(ManifestError(file: file, field: "requires[\(index)].version", problem: "expected a version range such as \"^1.2\": \(error)"))
            }
        }
        var seen: Set<String> = []
        for (index, tool) in tools.enumerated() {
            if !ToolSpec.isValidName(tool.name) {
                found.append(ManifestError(file: file, field: "tools[\(index)].name", problem: "'\(tool.name)' must be 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'"))
            }
            if !seen.insert(tool.name).inserted {
                found.append(ManifestError(file: file, field: "tools[\(index)].name", problem: "'\(tool.name)' is declared twice"))
            }
            if tool.inputSchema["type"] != "object" {
                found.append(ManifestError(file: file, field: "tools[\(index)].input_schema", problem: "expected a JSON Schema object with \"type\": \"object\""))
            }
            if let output = tool.outputSchema, output.objectValue == nil {
                found.append(ManifestError(file: file, field: "tools[\(index)].output_schema", problem: "expected a JSON Schema object"))
            }
        }
        return found
    }
}

extension ToolSpec {
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-") }
    }
}

extension ManifestError {
    init(decoding error: DecodingError, file: String) {
        func path(_ codingPath: [any CodingKey]) -> String? {
            guard !codingPath.isEmpty else { return nil }
            var text = ""
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(file: file, field: path(context.codingPath + [key]), problem: "is required but missing")
        case .typeMismatch(let type, let context):
            self.init(file: file, field: path(context.codingPath), problem: "expected \(ManifestError.describe(type))")
        case .valueNotFound(let type, let context):
            self.init(file: file, field: path(context.codingPath), problem: "expected \(ManifestError.describe(type)), found null")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            let problem = context.debugDescription.contains("SkillKind") || field == "kind"
                ? "expected one of \(SkillKind.allCases.map(\.rawValue).joined(separator: ", "))"
                : context.debugDescription
            self.init(file: file, field: field, problem: problem)
        @unknown default:
            self.init(file: file, field: nil, problem: "\(error)")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is UInt32.Type: return "an integer"
        case is Bool.Type: return "true or false"
        case is [String].Type: return "an array of strings"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a \(name) object"
        }
    }
}
