import ArgumentParser
import Foundation
import MCP
import MementoCore
import PluginHost

struct CallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call one tool of an installed skill with JSON arguments.",
        discussion: """
            Native skills run in a runner process by default: a crash or hang in the skill ends
            the runner, not memento. --in-process loads the skill into memento itself, which is
            faster but lets a crash end memento: use it only for skills you trust. Both sides
            poll the runner's pipes for 100 µs before they sleep; MEMENTO_RUNNER_SPIN_US sets
            that window (0 turns it off).

            Each skill gets its settings from HOME/settings.json, an object with one object per
            skill: what the first-party tools may touch, for example
            {"fs": {"roots": ["/srv/notes"]}, "http": {"allowed_hosts": ["127.0.0.1"]}}.

            Exit status: 0 the tool succeeded, 1 the tool reported an error (including invalid
            arguments), 2 memento could not call it.

            EXAMPLES
              memento call csv-stats.summarize --args '{"path": "data.csv"}'
              memento call hello.greet --args '{"name": "Ada"}' --json
              memento call hello.greet --skill-dir ./build/hello --args '{"name": "Ada"}'
              memento call hello.greet --args '{"name": "Ada"}' --repeat 10000   (latency on stderr)
              memento call time__get_current_time --args '{"timezone": "UTC"}'   (an MCP server from mcp.json)
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: ArgumentHelp("The tool, as SKILL.TOOL (see `memento tools`).", valueName: "tool"))
    var tool: String

    @Option(name: .long, help: ArgumentHelp("The arguments, a JSON object.", valueName: "json"))
    var args: String = "{}"

    @Flag(help: "Print the tool's reply as JSON, exactly as returned.")
    var json = false

    @Flag(name: .customLong("in-process"), help: "Load the skill into memento instead of a runner (trusted skills only).")
    var inProcess = false

    @Option(help: ArgumentHelp("Seconds the tool may run before its runner is killed.", valueName: "seconds"))
    var timeout: Double = 30

    @Option(name: .customLong("skill-dir"), help: ArgumentHelp("Also consider this skill folder, installed or not (for authors).", valueName: "dir"))
    var skillDirectory: String?

    @Option(name: .customLong("repeat"), help: ArgumentHelp("Call this many more times after the first and print latency percentiles and CPU time per call to stderr.", valueName: "n"))
    var repetitions: Int = 0

    func validate() throws {
        guard timeout > 0, timeout <= 86_400 else { throw ValidationError("--timeout must be between 0 and 86400 seconds") }
        guard (0...10_000_000).contains(repetitions) else { throw ValidationError("--repeat must be between 0 and 10000000") }
    }

    func run() throws {
        let arguments: JSONValue
        do {
            arguments = try JSONValue.parse(args)
        } catch {
            throw CommandError("--args is not valid JSON: \(error); pass an object such as '{\"name\": \"Ada\"}'")
        }
        guard case .object = arguments else { throw CommandError("--args must be a JSON object, found \(arguments.typeName)") }
        let skillName = tool.split(separator: ".").dropLast().joined(separator: ".")
        let seconds = timeout
        var policy = ExecutionPolicy(inProcessSkills: inProcess ? [skillName] : []) { configuration in
            configuration.callTimeout = .milliseconds(Int64(seconds * 1000))
            configuration.forwardStderr = true
        }
        // A person may be at the terminal to answer a server's questions.
        policy.mcpFeatures = MCPCommandSupport.features()
        if let (server, _) = MCPTool.split(tool) {
            // An external server's tool: mcp.json must load, and name the server.
            let config = try MCPCommandSupport.server(named: server, in: try MCPConfigFile.load(home: homeOptions.resolvedHome))
            policy.mcpServers = [server: config]
        }
        let folder = skillDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let registry = try homeOptions.toolRegistry(policy: policy, extraSkillFolders: folder.map { [$0] } ?? [])
        defer { registry.shutdown() }
        let result = try registry.call(tool, arguments: arguments)
        if repetitions > 0 { try measure(registry, skillName, arguments) }
        if json || !result.isError {
            Terminal.printJSON(result.output)
        }
        if let message = result.errorMessage {
            if !json { Terminal.note("error: \(message)") }
            throw ExitCode(1)
        }
    }

    /// Times repetitions warm calls one by one; the first call above paid for loading or spawning.
    /// Also reports the CPU time this process spent per call (every thread, not the skill's
    /// runner or server): what the caller's side of a call costs, whatever the other side takes.
    private func measure(_ registry: ToolRegistry, _ skill: String, _ arguments: JSONValue) throws {
        let clock = ContinuousClock()
        var samples: [Duration] = []
        samples.reserveCapacity(repetitions)
        // Read once: a command-line property reads its parsed value through a wrapper each time.
        let tool = self.tool
        let cpuBefore = Self.processCPUTime()
        for _ in 0..<repetitions {
            let started = clock.now
            _ = try registry.call(tool, arguments: arguments)
            samples.append(clock.now - started)
        }
        let cpu = Self.processCPUTime() - cpuBefore
        samples.sort()
        func micros(_ duration: Duration) -> String {
            String(format: "%.1f", duration.inSeconds * 1e6)
        }
        let total = samples.reduce(Duration.zero, +)
        let mode = registry.executionStatus(of: skill) ?? "?"
        if let load = registry.loadTime(of: skill) { Terminal.note("loaded in-process in \(micros(load)) µs") }
        Terminal.note("\(repetitions) calls (\(mode)): p50 \(micros(samples[samples.count / 2])) µs, p99 \(micros(samples[samples.count * 99 / 100])) µs, mean \(micros(total / repetitions)) µs, cpu \(micros(cpu / repetitions)) µs")
    }

    private static func processCPUTime() -> Duration {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func duration(_ time: timeval) -> Duration { .seconds(time.tv_sec) + .microseconds(time.tv_usec) }
        return duration(usage.ru_utime) + duration(usage.ru_stime)
    }
}
