import Foundation
import GRDB
import MementoCore

/// What `gc` removed (or would remove, in a dry run).
public struct GarbageReport: Hashable, Sendable {
    public var versions: [String] = []
    public var blobs: [String] = []
    public var bytes: Int64 = 0
}

/// One problem `doctor` found, with the command that fixes it.
public struct DoctorFinding: Hashable, Sendable {
    public enum Severity: String, Sendable { case error, warning }
    /// A stable identifier a script can match on.
    public let code: String
    public let severity: Severity
    public let subject: String
    public let message: String
    public let fix: String

    public init(code: String, severity: Severity, subject: String, message: String, fix: String) {
        self.code = code
        self.severity = severity
        self.subject = subject
        self.message = message
        self.fix = fix
    }

    public var json: JSONValue {
        ["code": .string(code), "severity": .string(severity.rawValue), "subject": .string(subject),
         "message": .string(message), "fix": .string(fix)]
    }
}

extension SkillStore {
    // MARK: gc

    /// Frees versions nobody needs and archives nothing refers to. Kept: every skill's current and
    /// previous version, the `keep` newest others, and `roots` (e.g. what a lockfile names).
    public func collectGarbage(keep: Int, roots: Set<String> = [], dryRun: Bool) throws(StoreError) -> GarbageReport {
        var report = GarbageReport()
        let (skills, versions) = try read { db in (try SkillRecord.fetchAll(db), try VersionRecord.fetchAll(db)) }
        let byName = Dictionary(grouping: versions.filter { $0.state == .installed }, by: \.name)
        var doomed: [VersionRecord] = []
        for skill in skills where skill.state == .active {
            let protected: Set<String> = Set([skill.currentVersion, skill.previousVersion].compactMap { $0 })
            var spare = keep
            for version in SkillStore.newestFirst(byName[skill.name] ?? []) {
                if protected.contains(version.version) || roots.contains("\(skill.name)@\(version.version)") { continue }
                if spare > 0 { spare -= 1; continue }
                doomed.append(version)
            }
        }
        for version in doomed {
            report.versions.append("\(version.name)@\(version.version)")
            report.bytes += version.totalSize
            guard !dryRun else { continue }
            // The record goes first: a tree without a record is swept by recovery.
            try write { db in
                try db.execute(sql: "DELETE FROM version WHERE name = ? AND version = ?", arguments: [version.name, version.version])
                try StoreDatabase.log(db, "gc", name: version.name, version: version.version)
            }
            let tree = layout.version(version.name, version.version)
            if FileSystem.exists(tree) { try moveToStagingAndRemove(tree) }
        }
        let doomedKeys = Set(doomed.map { "\($0.name)@\($0.version)" })
        let referenced = Set(versions.filter { !doomedKeys.contains("\($0.name)@\($0.version)") }.compactMap(\.archiveSha256))
        let blobs = try fileSystem { () throws(FileSystemError) in try FileSystem.entries(of: layout.blobs) }
        for blob in blobs.sorted() where !referenced.contains(blob) {
            report.blobs.append(blob)
            report.bytes += Int64(FileSystem.linkStatus(layout.blob(blob))?.st_size ?? 0)
            if !dryRun { try fileSystem { () throws(FileSystemError) in try FileSystem.unlink(layout.blob(blob)) } }
        }
        return report
    }

    // MARK: doctor

    /// Checks that disk and database agree and that no installed file changed. `hashTrees`
    /// re-hashes every installed version, which reads every file.
    public func diagnose(hashTrees: Bool = true) throws(StoreError) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let (skills, versions) = try read { db in (try SkillRecord.fetchAll(db), try VersionRecord.fetchAll(db)) }

        // Work in progress looks like interrupted work; only report it when no writer is running.
        if let lock = WriterLock.tryAcquire(layout) {
            let leftovers = (try? FileSystem.entries(of: layout.staging)) ?? []
            if !leftovers.isEmpty {
                findings.append(.init(code: "staging-leftovers", severity: .warning, subject: layout.staging,
                                      message: "\(leftovers.count) leftover item(s) from an interrupted operation",
                                      fix: "memento doctor --fix"))
            }
            for version in versions where version.state == .pending {
                findings.append(.init(code: "interrupted-install", severity: .error, subject: "\(version.name)@\(version.version)",
                                      message: "an install was interrupted before it committed", fix: "memento doctor --fix"))
            }
            for skill in skills where skill.state == .uninstalling {
                findings.append(.init(code: "interrupted-uninstall", severity: .error, subject: skill.name,
                                      message: "an uninstall was interrupted", fix: "memento doctor --fix"))
            }
            withExtendedLifetime(lock) {}
        }

        let installed = versions.filter { $0.state == .installed }
        for skill in skills where skill.state == .active {
            guard let current = skill.currentVersion else { continue }
            let link = layout.current(skill.name)
            if !FileSystem.isSymlink(link) {
                findings.append(.init(code: "missing-current-link", severity: .error, subject: skill.name,
                                      message: "\(link) is missing", fix: "memento doctor --fix"))
            } else if FileSystem.readLink(link) != current {
                findings.append(.init(code: "current-link-mismatch", severity: .error, subject: skill.name,
                                      message: "current points to \(FileSystem.readLink(link) ?? "?") but the database says \(current)",
                                      fix: "memento doctor --fix"))
            }
        }
        for version in installed {
            let tree = layout.version(version.name, version.version)
            let subject = "\(version.name)@\(version.version)"
            guard FileSystem.isDirectory(tree) else {
                findings.append(.init(code: "missing-tree", severity: .error, subject: subject,
                                      message: "recorded in the database but \(tree) is missing",
                                      fix: "memento doctor --fix (forgets it), then reinstall from \(version.source)"))
                continue
            }
            if let archive = version.archiveSha256, !FileSystem.exists(layout.blob(archive)) {
                findings.append(.init(code: "missing-archive", severity: .warning, subject: subject,
                                      message: "its archive \(archive) is no longer in the blob cache",
                                      fix: "memento install --repair \(version.source)"))
            }
            guard hashTrees else { continue }
            do {
                let hash = TreeHash.of(try FolderTree.entries(in: tree))
                if hash != version.treeSha256 {
                    findings.append(.init(code: "tree-drift", severity: .error, subject: subject,
                                          message: "files changed after install (tree hash \(hash), recorded \(version.treeSha256))",
                                          fix: "memento install --repair \(version.source)"))
                }
            } catch {
                findings.append(.init(code: "tree-drift", severity: .error, subject: subject,
                                      message: "the installed tree is damaged: \(error)",
                                      fix: "memento install --repair \(version.source)"))
            }
        }

        let known = Set(skills.map(\.name))
        let knownVersions = Set(versions.map { "\($0.name)/\($0.version)" })
        for name in ((try? FileSystem.entries(of: layout.skills)) ?? []).sorted() {
            guard known.contains(name) else {
                findings.append(.init(code: "unknown-on-disk", severity: .warning, subject: layout.skill(name),
                                      message: "a folder in the store that the database does not know", fix: "memento doctor --fix"))
                continue
            }
            for entry in ((try? FileSystem.entries(of: layout.skill(name))) ?? []).sorted()
            where entry != StoreLayout.currentLinkName && !knownVersions.contains("\(name)/\(entry)") {
                findings.append(.init(code: "unknown-on-disk", severity: .warning, subject: layout.skill(name) + "/" + entry,
                                      message: "a version folder that the database does not know", fix: "memento doctor --fix"))
            }
        }
        for disabled in try disabledSkills() {
            findings.append(.init(code: "skill-disabled", severity: .warning, subject: "\(disabled.name)@\(disabled.version)",
                                  message: "disabled since \(disabled.at): \(disabled.reason)",
                                  fix: "memento update \(disabled.name) (a fixed version runs again), or memento enable \(disabled.name) to retry this one"))
        }
        return findings
    }

    /// Repairs what can be repaired without a source: finishes or undoes interrupted operations,
    /// re-points links, removes unknown folders, and forgets versions whose tree is gone.
    public func repair() throws(StoreError) {
        let versions = try read { db in try VersionRecord.fetchAll(db) }
        for version in versions where !FileSystem.isDirectory(layout.version(version.name, version.version)) {
            try write { db in
                try db.execute(sql: "DELETE FROM version WHERE name = ? AND version = ?", arguments: [version.name, version.version])
                let remaining = try String.fetchAll(db, sql: "SELECT version FROM version WHERE name = ?", arguments: [version.name])
                let skill = try SkillRecord.fetchOne(db, key: version.name)
                if remaining.isEmpty {
                    try db.execute(sql: "DELETE FROM skill WHERE name = ?", arguments: [version.name])
                } else if let skill, skill.currentVersion == version.version || skill.previousVersion == version.version {
                    let fallback = SkillStore.newestFirst(try VersionRecord.filter(Column("name") == version.name).fetchAll(db)).first?.version
                    let current = skill.currentVersion == version.version ? fallback : skill.currentVersion
                    let previous = skill.previousVersion == version.version ? nil : skill.previousVersion
                    try db.execute(sql: "UPDATE skill SET current_version = ?, previous_version = ? WHERE name = ?",
                                   arguments: [current, previous, version.name])
                }
                try StoreDatabase.log(db, "doctor-forget", name: version.name, version: version.version, detail: "tree missing")
            }
        }
        try recover()
    }
}
