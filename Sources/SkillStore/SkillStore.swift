import Foundation
import GRDB
import MementoCore

/// The versioned, content-addressed skill store (DESIGN.md, "The store").
///
/// Crash safety rests on three rules: a tree is written whole in `staging/` before anything names
/// it; the database records a version as `pending` before its tree moves into place; and the
/// `current` link is switched with one rename(2). Recovery, run whenever a writer takes the lock,
/// finishes or undoes whatever a killed process left, so every reader sees the old state or the
/// new one.
public final class SkillStore {
    public let layout: StoreLayout
    let database: DatabaseQueue
    private let writerLock: WriterLock?

    private init(layout: StoreLayout, database: DatabaseQueue, writerLock: WriterLock?) {
        self.layout = layout
        self.database = database
        self.writerLock = writerLock
    }

    /// Opens the store for reading. Returns nil when nothing was ever installed under `home`.
    /// If a killed process left work behind and no writer is running, this start-up recovers it
    /// first, so readers never act on an interrupted operation. `doctor` passes
    /// `recovering: false` to report what it finds instead.
    public static func reader(home: String, recovering: Bool = true) throws(StoreError) -> SkillStore? {
        let layout = StoreLayout(home: home)
        guard FileSystem.exists(layout.database) else { return nil }
        let store = SkillStore(layout: layout, database: try StoreDatabase.open(layout, readOnly: true), writerLock: nil)
        let behind = try store.read { db in try !StoreDatabase.migrator.hasCompletedMigrations(db) }
        var interrupted = false
        if recovering { interrupted = try store.needsRecovery() }
        guard behind || interrupted, let lock = WriterLock.tryAcquire(layout) else { return store }
        let recovering = SkillStore(layout: layout, database: try StoreDatabase.open(layout, readOnly: false), writerLock: lock)
        try recovering.recover()
        return recovering
    }

    /// Cheap enough for every start: one directory read and one query.
    func needsRecovery() throws(StoreError) -> Bool {
        if let leftovers = try? FileSystem.entries(of: layout.staging), !leftovers.isEmpty { return true }
        return try read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS(SELECT 1 FROM version WHERE state = 'pending') OR EXISTS(SELECT 1 FROM skill WHERE state = 'uninstalling')
                """) ?? false
        }
    }

    /// Opens the store for writing: creates it if needed, takes the writer lock (waiting for
    /// another process if one holds it) and recovers from any interrupted operation.
    public static func writer(home: String, onWait: () -> Void = {}) throws(StoreError) -> SkillStore {
        let layout = StoreLayout(home: home)
        do {
            for directory in [layout.home, layout.store, layout.blobs, layout.skills, layout.staging] {
                try FileSystem.makeDirectories(directory)
            }
        } catch {
            throw .io(error)
        }
        let lock = try WriterLock.acquire(layout, onWait: onWait)
        let store = SkillStore(layout: layout, database: try StoreDatabase.open(layout, readOnly: false), writerLock: lock)
        try store.recover()
        return store
    }

    var isWriter: Bool { writerLock != nil }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw .database("\(error)")
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        precondition(isWriter, "store writes need the writer lock")
        do {
            try CrashInjection.point()
            let result = try database.write(body)
            try CrashInjection.point()
            return result
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database("\(error)")
        }
    }

    func fileSystem<T>(_ body: () throws(FileSystemError) -> T) throws(StoreError) -> T {
        do { return try body() } catch { throw .io(error) }
    }

    // MARK: Reading

    /// Every installed skill with its active version, sorted by name.
    public func list() throws(StoreError) -> [InstalledSkill] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.name, s.pinned, s.previous_version, v.version, v.kind, v.description, v.archive_sha256,
                       v.tree_sha256, v.source, v.signer, v.verdict, v.installed_at
                FROM skill s JOIN version v ON v.name = s.name AND v.version = s.current_version
                WHERE s.state = 'active' AND v.state = 'installed'
                ORDER BY s.name
                """)
            return rows.map(InstalledSkill.init(row:))
        }
    }

    /// One skill with all its versions, newest first.
    public func info(_ name: String) throws(StoreError) -> SkillDetails {
        try read { db throws -> SkillDetails in
            guard let skill = try SkillRecord.fetchOne(db, key: name), skill.state == .active else { throw StoreError.notFound(name) }
            let versions = try VersionRecord.filter(Column("name") == name && Column("state") == VersionRecord.State.installed.rawValue).fetchAll(db)
            return SkillDetails(skill: skill, versions: SkillStore.newestFirst(versions))
        }
    }

    public func events(limit: Int = 50) throws(StoreError) -> [EventRecord] {
        try read { db in try EventRecord.order(Column("id").desc).limit(limit).fetchAll(db) }
    }

    static func newestFirst(_ versions: [VersionRecord]) -> [VersionRecord] {
        versions.sorted { lhs, rhs in
            switch (try? SemanticVersion(parsing: lhs.version), try? SemanticVersion(parsing: rhs.version)) {
            case let (left?, right?) where left != right: return left > right
            default: return lhs.installedAt > rhs.installedAt
            }
        }
    }
}

/// A skill as `memento list` shows it.
public struct InstalledSkill: Hashable, Sendable {
    public let name: String
    public let version: String
    public let kind: String
    public let description: String
    public let archiveSha256: String?
    public let treeSha256: String
    public let source: String
    public let signer: String?
    public let verdict: String?
    public let pinned: Bool
    public let previousVersion: String?
    public let installedAt: String

    init(row: Row) {
        name = row["name"]
        version = row["version"]
        kind = row["kind"]
        description = row["description"]
        archiveSha256 = row["archive_sha256"]
        treeSha256 = row["tree_sha256"]
        source = row["source"]
        signer = row["signer"]
        verdict = row["verdict"]
        pinned = row["pinned"]
        previousVersion = row["previous_version"]
        installedAt = row["installed_at"]
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "version": .string(version), "kind": .string(kind), "description": .string(description),
            "tree_sha256": .string(treeSha256), "source": .string(source), "pinned": .bool(pinned),
            "installed_at": .string(installedAt),
        ]
        object["archive_sha256"] = archiveSha256.map(JSONValue.string) ?? .null
        object["signer"] = signer.map(JSONValue.string) ?? .null
        object["verdict"] = verdict.map(JSONValue.string) ?? .null
        object["previous_version"] = previousVersion.map(JSONValue.string) ?? .null
        return .object(object)
    }
}

/// A skill as `memento info` shows it.
public struct SkillDetails: Hashable, Sendable {
    public let skill: SkillRecord
    public let versions: [VersionRecord]

    public var current: VersionRecord? { versions.first { $0.version == skill.currentVersion } }

    public var json: JSONValue {
        .object([
            "name": .string(skill.name),
            "current_version": skill.currentVersion.map(JSONValue.string) ?? .null,
            "previous_version": skill.previousVersion.map(JSONValue.string) ?? .null,
            "pinned": .bool(skill.pinned),
            "versions": .array(versions.map(\.json)),
        ])
    }
}

extension VersionRecord {
    public var json: JSONValue {
        .object([
            "version": .string(version), "kind": .string(kind), "description": .string(description),
            "archive_sha256": archiveSha256.map(JSONValue.string) ?? .null, "tree_sha256": .string(treeSha256),
            "file_count": .number(JSONNumber(fileCount)), "total_size": .number(JSONNumber(totalSize)),
            "source": .string(source), "signer": signer.map(JSONValue.string) ?? .null,
            "verdict": verdict.map(JSONValue.string) ?? .null, "installed_at": .string(installedAt),
        ])
    }
}
