import ArgumentParser
import Foundation
import MementoCore
import SkillStore

struct GCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Free old versions and cached archives that nothing uses.",
        discussion: """
            Kept: every skill's current and previous version, the --keep newest others, and every \
            version named by ./memento.lock. Archives no remaining version refers to are removed.

            EXAMPLES
              memento gc --dry-run
              memento gc --keep 2
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(help: "Older versions to keep per skill besides the current and previous ones.")
    var keep = 0

    @Flag(help: "Show what would be removed without removing it.")
    var dryRun = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        var roots: Set<String> = []
        if FileManager.default.fileExists(atPath: Lockfile.fileName) {
            for (name, entry) in try Lockfile.read(from: Lockfile.fileName).skills { roots.insert("\(name)@\(entry.version)") }
        }
        let report = try homeOptions.writableStore().collectGarbage(keep: max(0, keep), roots: roots, dryRun: dryRun)
        if json {
            Terminal.printJSON(["versions": .array(report.versions.map(JSONValue.string)), "blobs": .array(report.blobs.map(JSONValue.string)),
                                "bytes": .number(JSONNumber(report.bytes)), "dry_run": .bool(dryRun)])
            return
        }
        let verb = dryRun ? "would remove" : "removed"
        for version in report.versions { print("\(verb) \(version)") }
        print("\(verb) \(report.versions.count) version(s) and \(report.blobs.count) archive(s), \(report.bytes / 1024) KiB")
    }
}
