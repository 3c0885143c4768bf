import Foundation
import MCP
import MementoCore
import PluginHost
import Synchronization
import Verify

/// verify's execution layer on Linux: the skill runs under bubblewrap (no network, read-only
/// root, a throwaway home and /tmp) and strace, through the same registry that runs it for
/// real, and each tool is called once with sample arguments.
struct BubblewrapSandbox: ExecutionSandbox {
    static let callTimeout = Duration.seconds(10)
    static let tracedCalls = "execve,execveat,connect,sendto,openat,open,creat,mkdir,mkdirat,unlink,unlinkat,rmdir,rename,renameat,renameat2,"
        + "symlink,symlinkat,link,linkat,truncate,chmod,fchmodat"

    /// An installed script skill runs with its own Python environment, as it would for real.
    let environments: PythonEnvironments?
    /// The environments this sandbox built for the skills it ran: kept for an install that goes
    /// ahead (it needs them), removed by `discardBuiltEnvironments` otherwise.
    private let built = BuiltEnvironments()

    private final class BuiltEnvironments: Sendable {
        let manifests = Mutex<[SkillManifest]>([])
    }

    init(home: String?) {
        environments = home.map { PythonEnvironments(home: $0) }
    }

    /// Removes the environments the audits built: after `verify`, which installs nothing, and
    /// after an install the audit refused.
    func discardBuiltEnvironments() {
        guard let environments else { return }
        for manifest in built.manifests.withLock({ manifests in defer { manifests.removeAll() }; return manifests }) {
            environments.remove(manifest)
        }
    }

    var bwrap: String? { Tools.found.bwrap }
    var strace: String? { Tools.found.strace }
    var unavailableReason: String? { Tools.found.unavailableReason }

    /// Looked for once per process, and only when a skill is about to run: an install of many
    /// instruction skills never starts bubblewrap.
    private struct Tools {
        let bwrap: String?
        let strace: String?
        let unavailableReason: String?

        static let found: Tools = {
            let bwrap = Subprocess.executablePath(named: "bwrap"), strace = Subprocess.executablePath(named: "strace")
            let reason: String?
            if bwrap == nil {
                reason = "bubblewrap (bwrap) is not installed; install it (Debian: apt-get install bubblewrap) to run skills in a sandbox"
            } else if strace == nil {
                reason = "strace is not installed; install it (Debian: apt-get install strace) to observe skills in the sandbox"
            } else if let bwrap, !BubblewrapSandbox.canCreateNamespaces(bwrap) {
                reason = "bubblewrap cannot create namespaces here (unprivileged user namespaces are off)"
            } else {
                reason = nil
            }
            return Tools(bwrap: bwrap, strace: strace, unavailableReason: reason)
        }()
    }

    func run(skillAt folder: URL, manifest: SkillManifest, calls: [SampleCall]) -> ExecutionTrace {
        var trace = ExecutionTrace()
        guard let bwrap, let strace else { return trace }
        let root = folder.standardizedFileURL.resolvingSymlinksInPath().path
        let work: String
        do {
            work = try FileSystem.makeTemporaryDirectory(prefix: "memento-sandbox")
        } catch {
            trace.startFailure = "cannot create a work directory: \(error)"
            return trace
        }
        defer { try? FileSystem.removeTree(work) }
        // A script skill runs with the environment it will have once installed; building it here
        // is why the audit runs only skills the static layers did not already block.
        do {
            if try environments?.prepare(manifest) == true { built.manifests.withLock { $0.append(manifest) } }
        } catch {
            trace.startFailure = error.description
            return trace
        }
        let interpreter = manifest.kind == .script ? BubblewrapSandbox.python : nil
        // /tmp is a fresh tmpfs inside; what the skill needs from the host's /tmp comes back read-only.
        var visible = [root]
        if let environment = environments?.path(for: manifest), FileManager.default.fileExists(atPath: environment) {
            visible.append(environment)
        }
        let readOnly = visible.flatMap { ["--ro-bind", $0, $0] }
        let runs = Mutex(0)
        let wrapper: @Sendable ([String]) -> [String] = { argv in
            let run = runs.withLock { count -> Int in count += 1; return count }
            var program = argv
            // The real interpreter, not a version manager's shim, so only the skill's own
            // programs count as started.
            if let interpreter, let first = program.first, ["python", "python3"].contains(first) { program[0] = interpreter }
            typealias Inside = SystemCallLog.Sandbox
            return [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/", "/",
                    "--tmpfs", Inside.temporary, "--dir", Inside.home, "--bind", work, Inside.work] + readOnly + [
                    "--dev", "/dev", "--proc", "/proc",
                    "--setenv", "HOME", Inside.home, "--setenv", "TMPDIR", Inside.temporary, "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
                    // A script's files are relative to its folder; a native tool works where it is put.
                    "--chdir", manifest.kind == .script ? root : Inside.work, "--",
                    strace, "-f", "-qq", "-s", "4096", "-o", Inside.work + "/trace-\(run)", "-e", "trace=" + BubblewrapSandbox.tracedCalls, "--"] + program
        }
        var policy = ExecutionPolicy { configuration in
            configuration.callTimeout = BubblewrapSandbox.callTimeout
            configuration.maxCrashes = 2
        }
        policy.commandWrapper = wrapper
        policy.mcpFeatures = ClientFeatures(logLevel: nil)
        policy.pythonEnvironments = environments
        let registry: ToolRegistry
        do {
            registry = ToolRegistry(skills: [try RegisteredSkill.read(root: root, fallbackName: manifest.name, fallbackVersion: manifest.version.description,
                                                                     fallbackDescription: manifest.description)], policy: policy)
        } catch {
            trace.startFailure = "\(error)"
            return trace
        }
        for call in calls {
            do {
                let result = try registry.call(manifest.name + "." + call.tool, arguments: call.arguments)
                trace.calls.append(.init(tool: call.tool, outcome: result.errorMessage.map(ExecutionTrace.Outcome.toolError) ?? .answered))
            } catch {
                let text = error.description
                if case .runner(.timedOut) = error {
                    trace.calls.append(.init(tool: call.tool, outcome: .timedOut(text)))
                } else if case .runner(.crashed) = error {
                    trace.calls.append(.init(tool: call.tool, outcome: .crashed(text)))
                } else if trace.calls.isEmpty && trace.startFailure == nil {
                    trace.startFailure = text
                } else {
                    trace.calls.append(.init(tool: call.tool, outcome: .crashed(text)))
                }
            }
        }
        registry.shutdown()
        let ownPython = environments?.interpreter(for: manifest)
        let entry = Set([ExecutionPolicy.currentExecutable, interpreter, ownPython].compactMap { $0 } + BubblewrapSandbox.entryPaths(manifest, root: root))
        let log = SystemCallLog.inSandbox(realHome: NSHomeDirectory(), skillFolder: root, entryPrograms: entry)
        for file in ((try? FileManager.default.contentsOfDirectory(atPath: work)) ?? []).sorted() where file.hasPrefix("trace-") {
            if let text = try? String(contentsOfFile: work + "/" + file, encoding: .utf8) { log.read(text, into: &trace) }
        }
        return trace
    }

    /// The program a script skill's entry starts, as the registry starts it.
    static func entryPaths(_ manifest: SkillManifest, root: String) -> [String] {
        guard let command = manifest.entry?.command else { return [] }
        return Subprocess.executablePath(named: ScriptSkill.program(command: command, root: root)).map { [$0] } ?? []
    }

    /// The interpreter `python3` really is (not a version manager's shim), found outside the
    /// sandbox once per process and only when a script skill runs.
    static let python: String? = pythonInterpreter()

    private static func pythonInterpreter() -> String? {
        guard let python = Subprocess.executablePath(named: "python3") else { return nil }
        let output = run([python, "-c", "import sys; print(sys.executable)"])
        return output.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    static func canCreateNamespaces(_ bwrap: String) -> Bool {
        run([bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--", "/bin/true"]) != nil
    }

    /// stdout of a short command, or nil when it fails.
    private static func run(_ argv: [String]) -> String? {
        guard case .success(let done) = Subprocess.run(argv), done.status == 0 else { return nil }
        return done.stdout
    }
}
