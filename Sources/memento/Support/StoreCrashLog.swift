import Foundation
import PluginHost
import SkillStore

/// Runner crashes kept in the store's database, so the crash limit spans `memento` processes
/// and `doctor` can say why a skill is disabled. Writes take the store's writer lock, briefly.
struct StoreCrashLog: CrashLog {
    let home: String

    func recordCrash(skill: String, version: String, what: String, window: Duration) -> Int {
        do {
            return try SkillStore.writer(home: home).recordRunnerCrash(name: skill, version: version, what: what, window: Double(window.components.seconds))
        } catch {
            // The call already failed with its own error; a crash we could not record only
            // means this one is counted in memory.
            Terminal.note("warning: could not record the crash of '\(skill)' in the store: \(error)")
            return 1
        }
    }

    func disable(skill: String, version: String, reason: String) {
        do {
            try SkillStore.writer(home: home).disable(name: skill, version: version, reason: reason)
        } catch {
            Terminal.note("warning: could not record that '\(skill)' is disabled: \(error)")
        }
    }

    func disabledReason(skill: String, version: String) -> String? {
        // A store too old to have the table (a writer holds it mid-upgrade) has disabled nothing.
        try? SkillStore.reader(home: home)?.disabledReason(name: skill, version: version)
    }
}
