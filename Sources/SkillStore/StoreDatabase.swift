import Foundation
import GRDB
import MementoCore

/// Records whose Swift properties are camelCase and whose columns are snake_case.
public protocol SnakeCaseRecord: FetchableRecord, EncodableRecord {}

extension SnakeCaseRecord {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

/// A skill the store knows, and which of its versions is active.
public struct SkillRecord: Codable, Hashable, Sendable, SnakeCaseRecord, PersistableRecord {
    public static let databaseTableName = "skill"

    public enum State: String, Codable, Sendable, DatabaseValueConvertible {
        case active
        /// An uninstall has committed; recovery finishes it.
        case uninstalling
    }

    public var name: String
    public var currentVersion: String?
    public var previousVersion: String?
    public var pinned: Bool
    public var pinReason: String?
    public var state: State
    public var createdAt: String
    public var updatedAt: String
}

/// One installed version: where it came from and what its content is.
public struct VersionRecord: Codable, Hashable, Sendable, SnakeCaseRecord, PersistableRecord {
    public static let databaseTableName = "version"

    public enum State: String, Codable, Sendable, DatabaseValueConvertible {
        /// The tree may be in place but `current` has not switched to it yet; recovery decides.
        case pending
        case installed
    }

    public var name: String
    public var version: String
    public var kind: String
    public var description: String
    public var archiveSha256: String?
    public var treeSha256: String
    public var fileCount: Int
    public var totalSize: Int64
    public var source: String
    public var signer: String?
    public var verdict: String?
    public var state: State
    public var installedAt: String
}

/// The append-only history of what happened to the store.
public struct EventRecord: Codable, Hashable, Sendable, SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "event"

    public var id: Int64?
    public var at: String
    public var action: String
    public var name: String?
    public var version: String?
    public var detail: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Opens `memento.db` and keeps its schema current.
enum StoreDatabase {
    static func open(_ layout: StoreLayout, readOnly: Bool) throws(StoreError) -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.readonly = readOnly
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // In WAL mode NORMAL never corrupts the database; a power cut may lose the last commit,
            // which recovery treats like a kill before that commit.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let queue = try DatabaseQueue(path: layout.database, configuration: configuration)
            if !readOnly {
                try queue.writeWithoutTransaction { db in
                    // WAL lets readers see a consistent snapshot while a writer commits.
                    try db.execute(sql: "PRAGMA journal_mode = WAL")
                }
                try migrator.migrate(queue)
            }
            return queue
        } catch {
            throw .database("\(layout.database): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: skills, versions, events") { db in
            try db.create(table: "skill") { table in
                table.primaryKey("name", .text)
                table.column("current_version", .text)
                table.column("previous_version", .text)
                table.column("pinned", .boolean).notNull().defaults(to: false)
                table.column("state", .text).notNull()
                table.column("created_at", .text).notNull()
                table.column("updated_at", .text).notNull()
            }
            try db.create(table: "version") { table in
                table.column("name", .text).notNull().references("skill", onDelete: .cascade)
                table.column("version", .text).notNull()
                table.column("kind", .text).notNull()
                table.column("description", .text).notNull()
                table.column("archive_sha256", .text)
                table.column("tree_sha256", .text).notNull()
                table.column("file_count", .integer).notNull()
                table.column("total_size", .integer).notNull()
                table.column("source", .text).notNull()
                table.column("signer", .text)
                table.column("verdict", .text)
                table.column("state", .text).notNull()
                table.column("installed_at", .text).notNull()
                table.primaryKey(["name", "version"])
            }
            try db.create(table: "event") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .text).notNull()
                table.column("action", .text).notNull()
                table.column("name", .text)
                table.column("version", .text)
                table.column("detail", .text)
            }
        }
        migrator.registerMigration("v2: pin reasons, audit cache") { db in
            try db.alter(table: "skill") { table in table.add(column: "pin_reason", .text) }
            try db.create(table: "audit_cache") { table in
                table.column("tree_sha256", .text).notNull()
                table.column("rules_version", .text).notNull()
                table.column("policy_fingerprint", .text).notNull()
                table.column("verdict", .text).notNull()
                table.column("report", .text).notNull()
                table.column("at", .text).notNull()
                table.primaryKey(["tree_sha256", "rules_version", "policy_fingerprint"])
            }
        }
        migrator.registerMigration("v3: runner crashes, disabled skills") { db in
            try db.create(table: "runner_crash") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("name", .text).notNull()
                table.column("version", .text).notNull()
                table.column("at_seconds", .double).notNull()
                table.column("what", .text).notNull()
            }
            try db.create(index: "runner_crash_by_skill", on: "runner_crash", columns: ["name", "version", "at_seconds"])
            try db.create(table: "disabled_skill") { table in
                table.column("name", .text).notNull()
                table.column("version", .text).notNull()
                table.column("reason", .text).notNull()
                table.column("at", .text).notNull()
                table.primaryKey(["name", "version"])
            }
        }
        return migrator
    }

    /// `2026-12-03T15:17:00Z`. The format style is plain Swift; an `ISO8601DateFormatter` set up
    /// ICU on every call, a noticeable part of a small install.
    static func now() -> String {
        Date().formatted(.iso8601)
    }

    static func log(_ db: Database, _ action: String, name: String?, version: String?, detail: String? = nil) throws {
        var event = EventRecord(id: nil, at: now(), action: action, name: name, version: version, detail: detail)
        try event.insert(db)
    }
}
