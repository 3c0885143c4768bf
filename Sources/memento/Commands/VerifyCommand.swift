import ArgumentParser
import Foundation
import MementoCore
import SkillStore
import Verify

/// `memento verify PATH`: the static audit of a skill folder.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Audit a skill folder, a .skill archive or an installed skill for malicious or unsafe behaviour.",
        discussion: """
            Runs the audit layers (structure, manifest, static review of code and prose, native binaries, declared vs observed capabilities, execution in a sandbox) and prints a verdict: pass, warn or block. Every finding has a stable rule id, a severity, file:line and the evidence.

            Native, FFI and script skills are then run under bubblewrap (no network, read-only root, a throwaway home) and strace, and each tool is called once with arguments generated from its schema; connections, writes outside the work directory and started programs are findings with the system call as evidence. Without bubblewrap or strace, or with --static, the report says the layer was skipped.

            EXIT CODES
              0  pass or warn
              1  block
              2  the audit itself failed (bad path, unreadable files, unknown rule id)

            EXAMPLES
              memento verify ./csv-stats
              memento verify dist/csv-stats-1.2.0.skill
              memento verify csv-stats                 # the installed, active version
              memento verify ./csv-stats --json > report.json
              memento verify ./csv-stats --static      # no sandboxed run
              memento verify skills/*/ --json          # several skills, one JSON array
              memento verify ./csv-stats --sarif > verify.sarif
              memento verify ./csv-stats --acknowledge CAP-UNDECLARED-HOST \\
                --reason "host documented in the README"
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: ArgumentHelp("Skill folders, .skill archives or names of installed skills; several are audited in one run.", valueName: "target"))
    var targets: [String]

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Flag(name: .long, help: "Print the report as SARIF 2.1.0.")
    var sarif = false

    @Option(name: .long, help: ArgumentHelp("How findings become a verdict: default or strict.", valueName: "policy"))
    var policy: String = Policy.default.rawValue

    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("Accept the findings of these rules (recorded in the report).", valueName: "rule"))
    var acknowledge: [String] = []

    @Option(name: .long, help: ArgumentHelp("Why the acknowledged rules are acceptable.", valueName: "text"))
    var reason: String?

    @Flag(name: .customLong("static"), help: "Read the skill only: skip running it in the sandbox.")
    var staticOnly = false

    func validate() throws {
        if targets.isEmpty { throw ValidationError("name a skill folder, a .skill archive or an installed skill") }
        if json && sarif { throw ValidationError("choose one of --json and --sarif") }
        if sarif && targets.count > 1 { throw ValidationError("--sarif reports one skill; run verify once per skill") }
        if Policy(rawValue: policy) == nil {
            throw ValidationError("unknown policy '\(policy)'; use one of: \(Policy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if reason != nil && acknowledge.isEmpty { throw ValidationError("--reason explains an --acknowledge; give the rule ids too") }
    }

    func run() throws {
        // One sandbox for the run: finding bubblewrap, strace and python once, not per skill.
        let sandbox = staticOnly ? nil : BubblewrapSandbox(home: homeOptions.resolvedHome)
        // verify installs nothing: what it built to run a script skill goes when it is done.
        defer { sandbox?.discardBuiltEnvironments() }
        var blocked = false
        var reports: [JSONValue] = []
        for target in targets {
            let folder = try resolveFolder(target)
            defer { if let extracted = folder.extracted { try? FileSystem.removeTree(extracted) } }
            if let refusal = folder.refusal {
                blocked = true
                if json {
                    reports.append(["target": ["path": .string(target)], "verdict": "block", "error": .string(refusal)])
                } else {
                    print("verdict: block\nARCHIVE-REFUSED \(target): \(refusal)")
                }
                continue
            }
            let report: AuditReport
            do {
                report = try Auditor.audit(
                    folder: URL(fileURLWithPath: folder.path), folderName: folder.name,
                    policy: Policy(rawValue: policy) ?? .default,
                    acknowledged: acknowledge.map { Acknowledgement(ruleId: $0, reason: reason) },
                    sandbox: sandbox)
            } catch {
                throw CommandError("verify could not audit '\(target)': \(error)")
            }
            blocked = blocked || report.verdict == .block
            if json {
                reports.append(JSONReport.value(of: report))
            } else {
                FileHandle.standardOutput.write(Data((sarif ? SARIFReport.render(report) : TextReport.render(report)).utf8))
            }
        }
        if json {
            // One target keeps the single-report shape scripts already read.
            let document = reports.count == 1 ? reports[0] : .array(reports)
            FileHandle.standardOutput.write(Data((document.encoded(.pretty) + "\n").utf8))
        }
        if blocked { throw ExitCode(1) }
    }

    /// A folder to audit: the path itself, an archive extracted with the store's safe extractor
    /// (an archive it refuses is a block, with the reason), or an installed skill's active tree.
    private func resolveFolder(_ path: String) throws -> (path: String, name: String?, extracted: String?, refusal: String?) {
        if FileSystem.isDirectory(path) { return (path, nil, nil, nil) }
        if FileSystem.exists(path) {
            let work = try FileSystem.makeTemporaryDirectory(prefix: "memento-verify")
            let root = work + "/skill"
            var archive: SkillArchive?
            do {
                archive = try SkillArchive(path: path)
                try archive?.extract(into: try TreeWriter(root: root))
            } catch {
                return (root, nil, work, "\(error)")
            }
            return (root, archive?.folderName, work, nil)
        }
        if SkillName.isValid(path), let store = try homeOptions.readableStore(), (try? store.info(path)) != nil {
            return (store.layout.current(path), path, nil, nil)
        }
        throw CommandError("'\(path)' is not a folder, an archive or an installed skill")
    }
}
