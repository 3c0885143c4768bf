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
              memento verify ./csv-stats --sarif > verify.sarif
              memento verify ./csv-stats --acknowledge CAP-UNDECLARED-HOST \\
                --reason "host documented in the README"
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: ArgumentHelp("A skill folder, a .skill archive, or the name of an installed skill.", valueName: "target"))
    var path: String

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
        if json && sarif { throw ValidationError("choose one of --json and --sarif") }
        if Policy(rawValue: policy) == nil {
            throw ValidationError("unknown policy '\(policy)'; use one of: \(Policy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if reason != nil && acknowledge.isEmpty { throw ValidationError("--reason explains an --acknowledge; give the rule ids too") }
    }

    func run() throws {
        let folder = try resolveFolder()
        defer { if let extracted = folder.extracted { try? FileSystem.removeTree(extracted) } }
        let report: AuditReport
        do {
            report = try Auditor.audit(
                folder: URL(fileURLWithPath: folder.path), folderName: folder.name,
                policy: Policy(rawValue: policy) ?? .default,
                acknowledged: acknowledge.map { Acknowledgement(ruleId: $0, reason: reason) },
                sandbox: staticOnly ? nil : BubblewrapSandbox(home: homeOptions.resolvedHome))
        } catch {
            throw CommandError("verify could not audit '\(path)': \(error)")
        }
        let rendered = json ? JSONReport.render(report) : sarif ? SARIFReport.render(report) : TextReport.render(report)
        FileHandle.standardOutput.write(Data(rendered.utf8))
        if report.verdict == .block { throw ExitCode(1) }
    }

    /// A folder to audit: the path itself, an archive extracted with the store's safe extractor
    /// (an archive it refuses is a block), or an installed skill's active tree.
    private func resolveFolder() throws -> (path: String, name: String?, extracted: String?) {
        if FileSystem.isDirectory(path) { return (path, nil, nil) }
        if FileSystem.exists(path) {
            let work = try FileSystem.makeTemporaryDirectory(prefix: "memento-verify")
            let root = work + "/skill"
            var archive: SkillArchive?
            do {
                archive = try SkillArchive(path: path)
                try archive?.extract(into: try TreeWriter(root: root))
            } catch {
                try? FileSystem.removeTree(work)
                print("verdict: block\nARCHIVE-REFUSED \(path): \(error)")
                throw ExitCode(1)
            }
            return (root, archive?.folderName, work)
        }
        if SkillName.isValid(path), let store = try homeOptions.readableStore(), (try? store.info(path)) != nil {
            return (store.layout.current(path), path, nil)
        }
        throw CommandError("'\(path)' is not a folder, an archive or an installed skill")
    }
}
