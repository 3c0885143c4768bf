import Foundation
import MementoCore

/// Layer 6: the skill's tools run in a sandbox with sample arguments, and what the skill did
/// (network, writes, programs) is weighed against what skill.json declares. Evidence here is
/// behaviour, not text: an undeclared connection or a write to a startup file blocks.
struct ExecutionLayer: AuditLayer {
    let name = LayerName.exec
    let sandbox: (any ExecutionSandbox)?

    /// Home-relative files, and folders (ending in /), whose modification is persistence or
    /// credential tampering.
    static let persistencePaths = [".bashrc", ".bash_profile", ".bash_login", ".profile", ".zshrc", ".zprofile", ".zshenv", ".pam_environment",
                                   ".xprofile", ".ssh/", ".config/autostart/", ".config/systemd/", ".local/share/systemd/", ".config/fish/",
                                   "Library/LaunchAgents/", ".local/bin/", ".gitconfig", ".npmrc", ".pypirc"]

    static func isPersistence(_ homeRelative: String) -> Bool {
        persistencePaths.contains { $0.hasSuffix("/") ? homeRelative.hasPrefix($0) || homeRelative + "/" == $0 : homeRelative == $0 }
    }
    static let systemDirectories = ["/etc/", "/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/boot/", "/var/spool/", "/var/lib/", "/opt/", "/srv/"]
    /// At most this many events of one rule are reported; the rest add nothing to the verdict.
    static let evidencePerRule = 5

    func run(_ context: inout AuditContext) -> LayerOutcome {
        guard let sandbox else { return .skipped(reason: "no sandbox was given (verify --static, or a library audit)") }
        guard let manifest = context.manifest, Auditor.executes(manifest.kind) else {
            return .skipped(reason: "nothing to run: only native, FFI and script skills execute")
        }
        if let reason = sandbox.unavailableReason { return .skipped(reason: reason) }
        // Code the static layers already block is not worth running, nor installing packages for.
        if context.findings.contains(where: { $0.blocking && $0.confidence == .high }) {
            return .skipped(reason: "the static layers already block this skill")
        }
        let calls = manifest.tools.map { SampleCall(tool: $0.name, arguments: SampleArguments.generate(for: $0.inputSchema)) }
        let trace = sandbox.run(skillAt: context.tree.root, manifest: manifest, calls: calls)
        context.findings += Self.findings(trace, manifest: manifest)
        return .ran
    }

    static func findings(_ trace: ExecutionTrace, manifest: SkillManifest) -> [Finding] {
        var findings: [Finding] = []
        func add(_ rule: Rule, _ events: [ExecutionTrace.Event]) {
            for event in events.prefix(evidencePerRule) {
                findings.append(Finding(rule: rule, origin: .tree, file: manifest.entry?.library ?? manifest.entry?.command ?? "", line: nil, evidence: event.summary))
            }
        }
        let permissions = manifest.permissions
        if permissions.network.isEmpty { add(RuleCatalogue.execNetwork, trace.network) }
        let declaredPaths = permissions.filesystem.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        func declared(_ path: String) -> Bool { declaredPaths.contains { (path + "/").hasPrefix($0) } }
        let persistence = trace.homeWrites.filter { isPersistence($0.path) }
        add(RuleCatalogue.execHomePersistence, persistence)
        add(RuleCatalogue.execHomeWrite, trace.homeWrites.filter { event in !isPersistence(event.path) && !declared("~/" + event.path) })
        let system = trace.writes.filter { event in systemDirectories.contains { event.path.hasPrefix($0) } }
        add(RuleCatalogue.execSystemWrite, system)
        add(RuleCatalogue.execOutsideWrite, trace.writes.filter { event in !system.contains(event) && !declared(event.path) })
        let executables = Set(permissions.executables.map { ($0 as NSString).lastPathComponent })
        add(RuleCatalogue.execSpawn, trace.spawned.filter { !executables.contains(($0.path as NSString).lastPathComponent) })
        var incomplete: [ExecutionTrace.Event] = []
        if let failure = trace.startFailure { incomplete.append(.init(summary: "did not start: \(failure)", path: "")) }
        for call in trace.calls {
            switch call.outcome {
            case .crashed(let how): incomplete.append(.init(summary: "\(call.tool): crashed: \(how)", path: ""))
            case .timedOut(let how): incomplete.append(.init(summary: "\(call.tool): timed out: \(how)", path: ""))
            case .answered, .toolError: break
            }
        }
        add(RuleCatalogue.execDidNotRun, incomplete)
        return findings
    }
}
