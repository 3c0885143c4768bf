import Foundation
import GRDB
import MementoCore

extension SkillStore {
    /// Brings the store back to a committed state after a process died mid-operation. Runs under
    /// the writer lock, so nothing in `staging/` can belong to a live process.
    ///
    /// - A `pending` version whose `current` link already points at it committed: finish it.
    /// - Any other `pending` version did not: remove its tree and its record.
    /// - An `uninstalling` skill committed its removal: finish it.
    /// - A `current` link that disagrees with the database is re-pointed (the database is the
    ///   record of what was committed).
    func recover() throws(StoreError) {
        try sweepStaging()
        let pending = try read { db in try VersionRecord.filter(Column("state") == VersionRecord.State.pending.rawValue).fetchAll(db) }
        for version in pending {
            if FileSystem.readLink(layout.current(version.name)) == version.version,
               FileSystem.isDirectory(layout.version(version.name, version.version))
            {
                try write { db in
                    let before = try SkillRecord.fetchOne(db, key: version.name)?.currentVersion
                    try db.execute(sql: "UPDATE version SET state = 'installed' WHERE name = ? AND version = ?",
                                   arguments: [version.name, version.version])
                    try SkillStore.recordActivation(db, name: version.name, version: version.version, previous: before, action: "recover-install")
                }
            } else {
                try discardPending(version)
            }
        }
        let uninstalling = try read { db in try SkillRecord.filter(Column("state") == SkillRecord.State.uninstalling.rawValue).fetchAll(db) }
        for skill in uninstalling { try finishUninstall(skill.name) }
        try removeUnknownFolders()
        try repairCurrentLinks()
    }

    /// Folders under `store/skills` that no record names can only be the remains of an
    /// interrupted removal (records go first), so they are finished off.
    private func removeUnknownFolders() throws(StoreError) {
        let (skills, versions) = try read { db in (try SkillRecord.fetchAll(db), try VersionRecord.fetchAll(db)) }
        let known = Set(skills.map(\.name))
        let knownVersions = Set(versions.map { "\($0.name)/\($0.version)" })
        for name in try fileSystem({ () throws(FileSystemError) in try FileSystem.entries(of: layout.skills) }) {
            guard known.contains(name) else {
                try moveToStagingAndRemove(layout.skill(name))
                continue
            }
            for entry in try fileSystem({ () throws(FileSystemError) in try FileSystem.entries(of: layout.skill(name)) })
            where entry != StoreLayout.currentLinkName && !knownVersions.contains("\(name)/\(entry)") {
                try moveToStagingAndRemove(layout.skill(name) + "/" + entry)
            }
        }
    }

    private func sweepStaging() throws(StoreError) {
        try fileSystem { () throws(FileSystemError) in
            for name in try FileSystem.entries(of: layout.staging) {
                try FileSystem.removeTree(layout.staging + "/" + name)
            }
        }
    }

    private func discardPending(_ version: VersionRecord) throws(StoreError) {
        let tree = layout.version(version.name, version.version)
        if FileSystem.exists(tree) { try moveToStagingAndRemove(tree) }
        let orphaned = try write { db -> Bool in
            try db.execute(sql: "DELETE FROM version WHERE name = ? AND version = ?", arguments: [version.name, version.version])
            try StoreDatabase.log(db, "recover-discard", name: version.name, version: version.version)
            let others = try VersionRecord.filter(Column("name") == version.name).fetchCount(db)
            if others == 0 { try db.execute(sql: "DELETE FROM skill WHERE name = ?", arguments: [version.name]) }
            return others == 0
        }
        if orphaned, FileSystem.exists(layout.skill(version.name)) {
            try moveToStagingAndRemove(layout.skill(version.name))
        }
    }

    /// A directory leaves the store with one rename, so a crash never leaves half of it visible;
    /// deleting the contents happens out of sight and the next sweep finishes it if needed.
    func moveToStagingAndRemove(_ path: String) throws(StoreError) {
        let work = try makeWorkDirectory("trash")
        try fileSystem { () throws(FileSystemError) in
            try FileSystem.rename(path, to: work + "/item")
            try FileSystem.removeTree(work)
        }
    }

    func finishUninstall(_ name: String) throws(StoreError) {
        if FileSystem.exists(layout.skill(name)) { try moveToStagingAndRemove(layout.skill(name)) }
        try write { db in
            try db.execute(sql: "DELETE FROM skill WHERE name = ?", arguments: [name])
            try StoreDatabase.log(db, "uninstall", name: name, version: nil)
        }
    }

    private func repairCurrentLinks() throws(StoreError) {
        let skills = try read { db in try SkillRecord.filter(Column("state") == SkillRecord.State.active.rawValue).fetchAll(db) }
        for skill in skills {
            guard let current = skill.currentVersion else { continue }
            let link = FileSystem.readLink(layout.current(skill.name))
            guard link != current, FileSystem.isDirectory(layout.version(skill.name, current)) else { continue }
            let work = try makeWorkDirectory("relink")
            defer { try? FileSystem.removeTree(work) }
            try switchCurrentLink(name: skill.name, to: current, work: work)
        }
    }

    // MARK: Uninstall and rollback

    /// Removes a skill and every version of it: its folder under `store/skills` and its records.
    /// Archives stay in the blob cache until `gc`. Nothing outside the store is touched.
    public func uninstall(_ name: String) throws(StoreError) -> [String] {
        let versions = try write { db -> [String] in
            guard let skill = try SkillRecord.fetchOne(db, key: name), skill.state == .active else { throw StoreError.notFound(name) }
            try db.execute(sql: "UPDATE skill SET state = 'uninstalling', updated_at = ? WHERE name = ?", arguments: [StoreDatabase.now(), name])
            return try String.fetchAll(db, sql: "SELECT version FROM version WHERE name = ?", arguments: [name])
        }
        try finishUninstall(name)
        return versions
    }

    /// Switches `current` back to the previous version (or to `version`), one rename.
    public func rollback(_ name: String, to version: String? = nil) throws(StoreError) -> (from: String, to: String) {
        let details = try info(name)
        guard let from = details.skill.currentVersion else { throw .notFound(name) }
        let target: String
        if let version {
            guard details.versions.contains(where: { $0.version == version }) else { throw .versionNotFound(name, version) }
            target = version
        } else {
            guard let previous = details.skill.previousVersion, details.versions.contains(where: { $0.version == previous }) else {
                throw .noPreviousVersion(name)
            }
            target = previous
        }
        // The database commits first; recovery re-points the link if we die before the rename.
        try write { db in try SkillStore.recordActivation(db, name: name, version: target, previous: from, action: "rollback") }
        let work = try makeWorkDirectory("rollback")
        defer { try? FileSystem.removeTree(work) }
        try switchCurrentLink(name: name, to: target, work: work)
        return (from, target)
    }
}
