import ArgumentParser
import Foundation
import MementoCore
import SkillMarket
import SkillStore
import Verify

struct UpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Install the newest catalogue versions of installed skills, showing every change.",
        discussion: """
            Each update is shown before it is made, goes through verify like any install, and keeps the \
            old version for `memento rollback`. Pinned skills are skipped (name one to be told why). A skill \
            whose installed files changed since install is refused unless --force.

            EXAMPLES
              memento update --dry-run
              memento update
              memento update csv-stats
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "Skills to update (default: every unpinned one).")
    var names: [String] = []

    @Flag(help: "Show what would change and change nothing.")
    var dryRun = false

    @Flag(help: "Update even when the installed files changed after install.")
    var force = false

    func run() throws {
        let client = try MarketClient(home: homeOptions.resolvedHome)
        try client.refresh()
        let store = try homeOptions.writableStore()
        var installed = try store.list()
        if !names.isEmpty {
            for name in names where !installed.contains(where: { $0.name == name }) { throw StoreError.notFound(name) }
            installed = installed.filter { names.contains($0.name) }
        }
        let updates = try client.updates(for: installed)
        if updates.isEmpty {
            print("nothing to update")
            return
        }
        let gate = AuditGate(policy: .default, acknowledged: [], quiet: false, store: store)
        for update in updates {
            let change = "\(update.installed.name) \(update.installed.version) → \(update.latest.release.version)"
            if update.installed.pinned {
                let reason = try store.info(update.installed.name).skill.pinReason.map { ": \($0)" } ?? ""
                print("skipped \(change): pinned\(reason) (`memento unpin \(update.installed.name)`)")
                continue
            }
            if dryRun {
                print("would update \(change)")
                continue
            }
            if !force {
                let tree = TreeHash.of(try FolderTree.entries(in: store.layout.current(update.installed.name) + "/"))
                if tree != update.installed.treeSha256 {
                    throw CommandError("\(update.installed.name): installed files changed since install; `memento doctor` shows how, --force updates anyway")
                }
            }
            print("updating \(change)")
            for release in try client.resolve("\(update.installed.name)@\(update.latest.release.version)") {
                let outcome = try client.install(release, into: store, gate: { try gate($0) })
                if !outcome.alreadyInstalled { print("installed \(outcome.name) \(outcome.version) — verify: \(outcome.verdict ?? "not run")") }
            }
        }
    }
}
