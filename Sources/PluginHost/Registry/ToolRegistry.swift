import Foundation
import MCP
import MementoCore

/// Where native skills run when called through the registry.
public struct ExecutionPolicy: Sendable {
    /// Skills the caller vouches for: they load in-process when their toolchain allows it.
    /// Everything else, and by default everything, runs in a runner.
    public var inProcessSkills: Set<String>
    /// The host binary, re-executed as `EXECUTABLE runner --skill DIR`.
    public var runnerExecutable: String
    /// Applied to each runner the registry starts (timeouts, crash limits).
    public var configureRunner: @Sendable (inout RunnerConfiguration) -> Void
    /// Each skill's settings (see `SkillSettings`), sent with every call to that skill.
    public var settings: [String: JSONValue]
    /// Where runner crashes are counted across processes; nil counts within this one.
    public var crashLog: (any CrashLog)?
    /// External MCP servers, whose tools are `SERVER__TOOL` (see `MCPConfigFile`).
    public var mcpServers: [String: MCPServerConfig] = [:]
    /// What script skills and external servers may ask of us, and where large results go.
    public var mcpFeatures = ClientFeatures(logLevel: nil)
    public var mcpSpill = SpillPolicy(directory: nil)
    /// Where installed Python script skills keep their virtual environments.
    public var pythonEnvironments: PythonEnvironments?
    /// Rewrites the argv of every process the registry starts (runners, script servers), so
    /// they can run inside a sandbox: `verify` prefixes bubblewrap and strace.
    public var commandWrapper: (@Sendable ([String]) -> [String])?

    public init(inProcessSkills: Set<String> = [], runnerExecutable: String = ExecutionPolicy.currentExecutable,
                settings: [String: JSONValue] = [:],
                configureRunner: @escaping @Sendable (inout RunnerConfiguration) -> Void = { _ in })
    {
        self.inProcessSkills = inProcessSkills
        self.runnerExecutable = runnerExecutable
        self.settings = settings
        self.configureRunner = configureRunner
    }

    /// This process's own binary: the runner is the host re-executed (plugin-abi.md §0.5).
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// Every tool of every registered skill, in one `SKILL.TOOL` namespace. Describing reads
/// manifests only; a skill's code is loaded (or its runner started) on its first call.
public final class ToolRegistry: @unchecked Sendable {
    public let skills: [RegisteredSkill]
    public let policy: ExecutionPolicy
    private let lock = NSLock()
    private var backends: [String: Backend] = [:]
    /// Each skill tool as its first call resolved it.
    private var routes: [String: Route] = [:]
    private var loadTimes: [String: Duration] = [:]

    enum Backend {
        case inProcess(HostedSkill)
        case runner(RunnerClient)
        /// A script skill's MCP server process.
        case mcp(MCPBackend)
    }
    /// What every call of one skill tool needs besides its arguments, so that a call looks up
    /// one object instead of resolving the name, compiling the schema, encoding the settings
    /// and finding where the skill runs.
    private final class Route: @unchecked Sendable {
        let tool: RegisteredTool
        let validator: JSONSchemaValidator
        let invocation: ToolInvocation
        /// Where the skill runs, once its first valid call has started it; under the registry's lock.
        var backend: Backend?

        init(tool: RegisteredTool, settings: JSONValue?) {
            self.tool = tool
            validator = JSONSchemaValidator(schema: tool.spec.inputSchema)
            invocation = ToolInvocation(tool: tool.spec.name, settings: settings)
        }
    }

    /// External servers by name, started on their first call.
    private var servers: [String: MCPBackend] = [:]

    public init(skills: [RegisteredSkill], policy: ExecutionPolicy = ExecutionPolicy()) {
        self.skills = skills.sorted { $0.name < $1.name }
        self.policy = policy
    }

    public var tools: [RegisteredTool] {
        skills.flatMap { skill in skill.tools.map { RegisteredTool(skill: skill, spec: $0) } }
    }

    /// Resolves `SKILL.TOOL`. Skill names have no dots and tool names have none either, so the
    /// last dot separates them.
    public func tool(named qualifiedName: String) throws(ToolCallError) -> RegisteredTool {
        guard let dot = qualifiedName.lastIndex(of: "."), dot != qualifiedName.startIndex, qualifiedName.index(after: dot) != qualifiedName.endIndex else {
            throw .badName(qualifiedName)
        }
        let skillName = String(qualifiedName[..<dot])
        let toolName = String(qualifiedName[qualifiedName.index(after: dot)...])
        guard let skill = skills.first(where: { $0.name == skillName }) else { throw .unknownSkill(skillName, known: skills.map(\.name)) }
        guard let spec = skill.tools.first(where: { $0.name == toolName }) else {
            if skill.kind == .instructions { throw .notCallable(skill: skill.name, kind: skill.kind) }
            throw .unknownTool(qualifiedName, available: skill.tools.map { skill.name + "." + $0.name })
        }
        return RegisteredTool(skill: skill, spec: spec)
    }

    /// Validates the arguments against the tool's input schema, then calls it. Invalid
    /// arguments and failures the tool reports come back as an error result, not a throw.
    public func call(_ qualifiedName: String, arguments: JSONValue) throws(ToolCallError) -> ToolResult {
        // One look under the lock finds the route and, after the first call, where it runs.
        guard let (route, backend) = lock.withLock({ routes[qualifiedName].map { ($0, $0.backend) } }) else {
            if let (server, _) = MCPTool.split(qualifiedName), let config = policy.mcpServers[server] {
                return try callExternal(qualifiedName, on: config, arguments: arguments)
            }
            let tool = try tool(named: qualifiedName)
            let route = Route(tool: tool, settings: policy.settings[tool.skill.name])
            lock.withLock { routes[qualifiedName] = route }
            return try call(route, known: nil, arguments: arguments)
        }
        return try call(route, known: backend, arguments: arguments)
    }

    private func call(_ route: Route, known: Backend?, arguments: JSONValue) throws(ToolCallError) -> ToolResult {
        let tool = route.tool
        let problems = route.validator.validate(arguments, at: "arguments")
        guard problems.isEmpty else {
            return .failure(code: "invalid_arguments", message: "\(tool.qualifiedName): " + problems.joined(separator: "; "))
        }
        guard tool.skill.kind != .instructions else { throw .notCallable(skill: tool.skill.name, kind: tool.skill.kind) }
        let backend: Backend
        if let known {
            backend = known
        } else {
            backend = try self.backend(for: tool.skill)
            lock.withLock { route.backend = backend }
        }
        switch backend {
        case .mcp(let server):
            return try server.call(tool: tool.spec.name, arguments: arguments)
        case .inProcess(let skill):
            return try skill.call(route.invocation, arguments: arguments)
        case .runner(let client):
            do {
                return try client.call(route.invocation, arguments: arguments)
            } catch {
                throw .runner(error)
            }
        }
    }

    /// Where a skill runs: "in-process", "runner" or "runner (disabled: …)"; nil before its first call.
    public func executionStatus(of skill: String) -> String? {
        switch lock.withLock({ backends[skill] }) {
        case .inProcess?: return LoadMode.inProcess.rawValue
        case .runner(let client)?:
            if case .disabled(let reason) = client.status { return "runner (disabled: \(reason))" }
            return LoadMode.runner.rawValue
        case .mcp?: return "MCP server process"
        case nil: return nil
        }
    }

    /// How long loading the skill into this process took (read, hash, ELF checks, memfd,
    /// dlopen, descriptor checks, create); nil unless it was loaded in-process.
    public func loadTime(of skill: String) -> Duration? {
        lock.withLock { loadTimes[skill] }
    }

    /// Stops the process that runs `skill` (its runner or MCP server), failing a call in flight
    /// at once; the next call starts a fresh one. What runs in-process cannot be stopped.
    public func stop(skill: String) {
        switch lock.withLock({ backends[skill] }) {
        case .runner(let client)?: client.stop()
        case .mcp(let server)?: server.shutdown()
        case .inProcess?, nil: break
        }
    }

    /// Stops every runner this registry started. In-process plugins stay loaded (never unloaded).
    public func shutdown() {
        let (running, external) = lock.withLock { (Array(backends.values), Array(servers.values)) }
        for backend in running {
            switch backend {
            case .runner(let client): client.stop()
            case .mcp(let server): server.shutdown()
            case .inProcess: break
            }
        }
        for server in external { server.shutdown() }
    }

    /// `SERVER__TOOL` of a configured server: its tools are listed (which starts it) to find the
    /// server's own name and schema; arguments are validated here like any other tool's.
    private func callExternal(_ qualifiedName: String, on config: MCPServerConfig, arguments: JSONValue) throws(ToolCallError) -> ToolResult {
        let server = lock.withLock {
            if let known = servers[config.name] { return known }
            let made = MCPBackend(client: MCPClient(config: config, features: policy.mcpFeatures, spill: policy.mcpSpill), server: config.name)
            servers[config.name] = made
            return made
        }
        let tools = try server.tools()
        guard let tool = tools.first(where: { $0.qualifiedName == qualifiedName }) else {
            throw .unknownTool(qualifiedName, available: tools.map(\.qualifiedName))
        }
        // The listing is the client's (cached as the server allows), and so is the schema
        // compiled from it: a server that changes its tools is listed, and compiled, anew.
        let problems = tool.inputValidator.validate(arguments, at: "arguments")
        guard problems.isEmpty else { return .failure(code: "invalid_arguments", message: "\(qualifiedName): " + problems.joined(separator: "; ")) }
        return try server.call(tool, arguments: arguments)
    }

    private func backend(for skill: RegisteredSkill) throws(ToolCallError) -> Backend {
        lock.lock()
        defer { lock.unlock() }
        if let existing = backends[skill.name] { return existing }
        let made: Backend
        if skill.kind == .script {
            var config = try ScriptSkill.serverConfig(root: skill.root, environments: policy.pythonEnvironments)
            (config.command, config.arguments) = wrapped(config.command, config.arguments)
            made = .mcp(MCPBackend(client: MCPClient(config: config, features: policy.mcpFeatures, spill: policy.mcpSpill), server: skill.name))
        } else if policy.inProcessSkills.contains(skill.name) {
            do {
                let started = ContinuousClock.now
                made = .inProcess(try HostedSkill.load(root: skill.root, mode: .inProcess))
                loadTimes[skill.name] = ContinuousClock.now - started
            } catch .plugin(.toolchainMismatch), .plugin(.requiresIsolation) {
                // Trusted, but not safe to share this process: run it isolated instead.
                made = runner(for: skill)
            }
        } else {
            made = runner(for: skill)
        }
        backends[skill.name] = made
        return made
    }

    private func runner(for skill: RegisteredSkill) -> Backend {
        var configuration = RunnerConfiguration.nativeSkill(root: skill.root, executable: policy.runnerExecutable)
        configuration.crashLog = policy.crashLog
        configuration.version = skill.version
        policy.configureRunner(&configuration)
        (configuration.executable, configuration.arguments) = wrapped(configuration.executable, configuration.arguments)
        return .runner(RunnerClient(skill: skill.name, configuration: configuration))
    }

    /// A program and its arguments as the policy's `commandWrapper` would start them.
    private func wrapped(_ program: String, _ arguments: [String]) -> (String, [String]) {
        guard let argv = policy.commandWrapper?([program] + arguments), let first = argv.first else { return (program, arguments) }
        return (first, Array(argv.dropFirst()))
    }
}
