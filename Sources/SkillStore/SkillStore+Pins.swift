import Foundation
import GRDB
import MementoCore

/// A cached audit: the same tree under the same rules and policy always gets the same verdict.
public struct CachedAudit: Sendable {
    public let verdict: String
    public let report: String

    public init(verdict: String, report: String) {
        self.verdict = verdict
        self.report = report
    }
}

extension SkillStore {
    /// Pinned skills are left alone by `update`; the reason is shown whenever one is skipped.
    public func setPinned(_ name: String, _ pinned: Bool, reason: String? = nil) throws(StoreError) {
        try write { db in
            guard try SkillRecord.fetchOne(db, key: name)?.state == .active else { throw StoreError.notFound(name) }
            try db.execute(sql: "UPDATE skill SET pinned = ?, pin_reason = ?, updated_at = ? WHERE name = ?",
                           arguments: [pinned, pinned ? reason : nil, StoreDatabase.now(), name])
            try StoreDatabase.log(db, pinned ? "pin" : "unpin", name: name, version: nil, detail: reason)
        }
    }

    public func cachedAudit(tree: String, rules: String, policy: String) throws(StoreError) -> CachedAudit? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT verdict, report FROM audit_cache WHERE tree_sha256 = ? AND rules_version = ? AND policy_fingerprint = ?",
                             arguments: [tree, rules, policy]).map { CachedAudit(verdict: $0["verdict"], report: $0["report"]) }
        }
    }

    public func cacheAudit(tree: String, rules: String, policy: String, _ audit: CachedAudit) throws(StoreError) {
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO audit_cache (tree_sha256, rules_version, policy_fingerprint, verdict, report, at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [tree, rules, policy, audit.verdict, audit.report, StoreDatabase.now()])
        }
    }
}
