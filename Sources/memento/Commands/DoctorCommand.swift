import ArgumentParser
import MementoCore
import SkillMarket
import SkillStore

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the store: links, files changed after install, leftovers, database vs disk, expired catalogues.",
        discussion: """
            Each problem comes with the command that fixes it. Exits 1 when it finds a problem.

            EXAMPLES
              memento doctor
              memento doctor --fix
              memento doctor --json --quick
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Flag(help: "Repair what needs no source: interrupted operations, links, unknown folders, missing trees.")
    var fix = false

    @Flag(help: "Skip re-hashing every installed file.")
    var quick = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        if fix { try homeOptions.writableStore().repair() }
        // No start-up recovery here: doctor reports interrupted work, and --fix (above) repairs it.
        var findings = try SkillStore.reader(home: homeOptions.resolvedHome, recovering: false)?.diagnose(hashTrees: !quick) ?? []
        if let client = try? MarketClient(home: homeOptions.resolvedHome) {
            for source in client.expiredSources() {
                findings.append(DoctorFinding(code: "catalogue-expired", severity: .warning, subject: source.name,
                                              message: "the catalogue's signed index expired on \(source.expired); installs from it are refused",
                                              fix: "memento search --refresh (after the catalogue owner re-signs it with `memento market build`)"))
            }
        }
        if json {
            Terminal.printJSON(["ok": .bool(findings.isEmpty), "findings": .array(findings.map(\.json))])
        } else if findings.isEmpty {
            print("the store is healthy")
        } else {
            for finding in findings {
                print("\(finding.severity.rawValue): \(finding.subject): \(finding.message)\n  fix: \(finding.fix)")
            }
        }
        if !findings.isEmpty { throw ExitStatus.checkFailed }
    }
}
