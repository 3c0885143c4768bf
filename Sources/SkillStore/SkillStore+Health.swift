import Foundation
import GRDB
import MementoCore

/// A skill version the host stopped running, and why.
public struct DisabledSkill: Hashable, Sendable {
    public let name: String
    public let version: String
    public let reason: String
    public let at: String
}

/// Crashes of native skills in runners, counted across memento processes: each `memento call`
/// is a process of its own, so a limit of N crashes in M seconds only holds if the count lives
/// in the store. A version disabled here stays disabled until `memento enable` or a new version.
extension SkillStore {
    /// Records one crash or hang and returns how many this version had within `window` seconds.
    /// Older records are dropped.
    public func recordRunnerCrash(name: String, version: String, what: String, window: Double) throws(StoreError) -> Int {
        let now = Date().timeIntervalSince1970
        return try write { db in
            try db.execute(sql: "DELETE FROM runner_crash WHERE at_seconds < ?", arguments: [now - window])
            try db.execute(sql: "INSERT INTO runner_crash (name, version, at_seconds, what) VALUES (?, ?, ?, ?)", arguments: [name, version, now, what])
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runner_crash WHERE name = ? AND version = ?", arguments: [name, version]) ?? 1
        }
    }

    public func disable(name: String, version: String, reason: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO disabled_skill (name, version, reason, at) VALUES (?, ?, ?, ?)",
                           arguments: [name, version, reason, StoreDatabase.now()])
            try StoreDatabase.log(db, "disable", name: name, version: version, detail: reason)
        }
    }

    /// Lets every version of `name` run again and forgets its crashes; false if none was disabled.
    @discardableResult
    public func enable(name: String) throws(StoreError) -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM disabled_skill WHERE name = ?", arguments: [name])
            let changed = db.changesCount > 0
            try db.execute(sql: "DELETE FROM runner_crash WHERE name = ?", arguments: [name])
            if changed { try StoreDatabase.log(db, "enable", name: name, version: nil) }
            return changed
        }
    }

    /// Why this version of `name` is disabled, or nil when it may run.
    public func disabledReason(name: String, version: String) throws(StoreError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT reason FROM disabled_skill WHERE name = ? AND version = ?", arguments: [name, version])
        }
    }

    /// Disabled versions that are some skill's current version (others can no longer run anyway).
    public func disabledSkills() throws(StoreError) -> [DisabledSkill] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.name, d.version, d.reason, d.at FROM disabled_skill d
                JOIN skill s ON s.name = d.name AND s.current_version = d.version AND s.state = 'active'
                ORDER BY d.name
                """).map { DisabledSkill(name: $0["name"], version: $0["version"], reason: $0["reason"], at: $0["at"]) }
        }
    }
}
