import ArgumentParser
import Foundation
import MementoCore
import PluginHost
import SkillMarket
import SkillStore
import Verify

struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install skills from a catalogue, folders or .skill archives, or exactly what memento.lock says.",
        discussion: """
            Each skill is copied or extracted into staging, checked (no symlinks, no paths outside the \
            skill, size and compression limits, a name equal to its folder), hashed, and then made the \
            active version in one step. On any error nothing is installed.

            A NAME or NAME@RANGE (`csv-stats@^1.2`) installs the highest matching version from the \
            configured catalogues, with everything it requires, after checking the index signature and \
            the archive's size and sha256.

            EXAMPLES
              memento install csv-stats
              memento install csv-stats@~1.2
              memento install ./csv-stats
              memento install dist/csv-stats-1.2.0.skill
              memento install --frozen                 # reproduce ./memento.lock or fail
              memento install --repair ./csv-stats     # restore files that changed after install
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: ArgumentHelp("Catalogue names (NAME[@RANGE]), skill folders or .skill archives.", valueName: "skill"))
    var paths: [String] = []

    @Flag(help: "Install exactly the versions in the lockfile, checking every hash, or change nothing.")
    var frozen = false

    @Option(help: ArgumentHelp("The lockfile for --frozen.", valueName: "file"))
    var lockfile = Lockfile.fileName

    @Flag(help: "Replace the files of an installed version whose content drifted, from the same source.")
    var repair = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Option(help: ArgumentHelp("How verify's findings decide: default (block refuses, warn installs) or strict (warn refuses too).", valueName: "policy"))
    var policy: String = Policy.default.rawValue

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Accept the findings of these verify rules.", valueName: "rule"))
    var acknowledge: [String] = []

    @Option(help: ArgumentHelp("Why the acknowledged rules are acceptable.", valueName: "text"))
    var reason: String?

    func validate() throws {
        if Policy(rawValue: policy) == nil { throw ValidationError("unknown policy '\(policy)'; use default or strict") }
        if frozen && !paths.isEmpty { throw ValidationError("--frozen installs what the lockfile names; give no paths") }
        if !frozen && paths.isEmpty { throw ValidationError("give a skill folder or a .skill archive, or --frozen") }
    }

    func run() throws {
        let store = try homeOptions.writableStore()
        let audit = AuditGate(policy: Policy(rawValue: policy) ?? .default,
                              acknowledged: acknowledge.map { Acknowledgement(ruleId: $0, reason: reason) }, quiet: json, store: store)
        let gate: InstallGate = { try audit($0) }
        var outcomes: [InstallOutcome] = []
        if frozen {
            let home = homeOptions.resolvedHome
            var downloads: [String] = []
            defer { for path in downloads { try? FileManager.default.removeItem(atPath: path) } }
            var market: MarketClient?
            outcomes = try store.installFrozen(try Lockfile.read(from: lockfile), gate: gate) { name, entry in
                // A catalogue source: fetch exactly the locked release through the signed index.
                guard entry.source.contains("://") else { return nil }
                let client = try market ?? MarketClient(home: home)
                market = client
                guard let release = try client.resolve("\(name)@\(entry.version)").last, release.release.sha256 == entry.archiveSha256 else {
                    throw CommandError("the catalogue's \(name) \(entry.version) is not the locked archive \(entry.archiveSha256 ?? "?")")
                }
                let archive = try client.fetchArchive(release, for: store)
                if archive.temporary { downloads.append(archive.path) }
                return archive.path
            }
        } else {
            // Catalogue names are resolved first and their archives fetched in parallel; each
            // install then commits on its own, in order, through verify.
            var client: MarketClient?
            var plan: [(String, [ResolvedRelease])] = []
            for path in paths {
                if FileManager.default.fileExists(atPath: path) || path.contains("/") {
                    plan.append((path, []))
                } else {
                    let market = try client ?? MarketClient(home: homeOptions.resolvedHome)
                    client = market
                    plan.append((path, try market.resolve(path)))
                }
            }
            let releases = plan.flatMap(\.1)
            var fetched: [String: FetchedArchive] = [:]
            // Downloads not handed to an install (one failed, or the skill was installed already)
            // are removed however this ends, so a failed install leaves nothing in staging.
            defer { for leftover in fetched.values where leftover.temporary { try? FileManager.default.removeItem(atPath: leftover.path) } }
            if let client, releases.count > 1 {
                // Every download that succeeded is recorded before the first refusal is thrown, so
                // the cleanup above sees them all.
                var refusal: MarketError?
                for (release, result) in zip(releases, client.fetchArchives(releases, for: store)) {
                    switch result {
                    case .success(let archive): fetched[release.release.sha256] = archive
                    case .failure(let error): refusal = refusal ?? error
                    }
                }
                if let refusal { throw refusal }
            }
            for (path, resolved) in plan {
                guard let client, !resolved.isEmpty else {
                    let bar = ProgressBar("installing \((path as NSString).lastPathComponent)")
                    defer { bar.finish() }
                    outcomes.append(try store.install(InstallRequest(path: path, repair: repair), gate: gate,
                                                      progress: { bar.update(done: $0, total: $1) }))
                    continue
                }
                for release in resolved where !outcomes.contains(where: { $0.name == release.skill.name }) {
                    let download = ProgressBar("downloading \(release.skill.name) \(release.release.version)", unit: .bytes)
                    defer { download.finish() }
                    outcomes.append(try client.install(release, into: store, gate: gate, prefetched: fetched.removeValue(forKey: release.release.sha256),
                                                       progress: { download.update(done: Int($0), total: Int($1)) }))
                }
            }
        }
        if json {
            Terminal.printJSON(.array(outcomes.map(\.json)))
            return
        }
        for outcome in outcomes {
            if outcome.alreadyInstalled {
                print("\(outcome.name) \(outcome.version) is installed and active")
            } else if let previous = outcome.previousVersion {
                print("installed \(outcome.name) \(outcome.version) (was \(previous); `memento rollback \(outcome.name)` goes back) — verify: \(outcome.verdict ?? "not run")")
            } else {
                print("installed \(outcome.name) \(outcome.version) — verify: \(outcome.verdict ?? "not run")")
            }
        }
    }
}

extension InstallOutcome {
    var json: JSONValue {
        [
            "name": .string(name), "version": .string(version),
            "previous_version": previousVersion.map(JSONValue.string) ?? .null,
            "tree_sha256": .string(treeSha256), "archive_sha256": archiveSha256.map(JSONValue.string) ?? .null,
            "verdict": verdict.map(JSONValue.string) ?? .null, "already_installed": .bool(alreadyInstalled),
        ]
    }
}
