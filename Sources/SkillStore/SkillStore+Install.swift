#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB
import MementoCore

/// What to install and what to record about where it came from.
public struct InstallRequest: Sendable {
    /// A skill folder or a `.skill` archive on disk.
    public var path: String
    /// Recorded provenance; defaults to the absolute path.
    public var source: String?
    public var signer: String?
    /// When set (a frozen install), the content must hash to exactly these values.
    public var expectedTreeSha256: String?
    public var expectedArchiveSha256: String?
    public var limits: TreeLimits
    /// Replace the files of an already-installed version whose tree drifted, from a source whose
    /// content hashes to the recorded tree.
    public var repair: Bool

    public init(path: String, source: String? = nil, signer: String? = nil, expectedTreeSha256: String? = nil,
                expectedArchiveSha256: String? = nil, limits: TreeLimits = .default, repair: Bool = false)
    {
        self.repair = repair
        self.path = path
        self.source = source
        self.signer = signer
        self.expectedTreeSha256 = expectedTreeSha256
        self.expectedArchiveSha256 = expectedArchiveSha256
        self.limits = limits
    }
}

/// A skill written to staging and identified, before the store commits to it.
public struct StagedSkill: Sendable {
    /// The extracted tree; the audit reads it here.
    public let root: String
    public let name: String
    public let version: String
    public let kind: SkillKind
    public let description: String
    public let treeSha256: String
    public let archiveSha256: String?
    public let entries: [TreeEntry]
}

/// Called on the staged tree before it is committed. Returns the verdict to record, or throws to
/// refuse the install (nothing is kept).
public typealias InstallGate = (StagedSkill) throws -> String?

public struct InstallOutcome: Hashable, Sendable {
    public let name: String
    public let version: String
    public let previousVersion: String?
    public let treeSha256: String
    public let archiveSha256: String?
    public let verdict: String?
    /// The same version with the same content was already there; only `current` may have moved.
    public let alreadyInstalled: Bool
}

extension SkillStore {
    /// Installs a folder or an archive. Either the whole skill becomes the active version or
    /// nothing changes, whatever happens: a refusal, an error or a SIGKILL.
    public func install(_ request: InstallRequest, gate: InstallGate? = nil,
                        progress: ((Int, Int) -> Void)? = nil) throws(StoreError) -> InstallOutcome
    {
        let work = try makeWorkDirectory("install")
        defer { try? FileSystem.removeTree(work) }
        let staged = try stage(request, in: work, progress: progress)
        if let expected = request.expectedTreeSha256, expected != staged.treeSha256 {
            throw .frozenDrift(["\(staged.name): tree hash \(staged.treeSha256) differs from the locked \(expected)"])
        }
        if let existing = try read({ db in try VersionRecord.fetchOne(db, key: ["name": staged.name, "version": staged.version]) }) {
            guard existing.treeSha256 == staged.treeSha256 else {
                throw .versionConflict(name: staged.name, version: staged.version)
            }
            if request.repair {
                try replaceTree(of: staged, work: work)
                try keepArchive(staged, work: work)
            }
            let previous = try activate(name: staged.name, version: staged.version, work: work, action: "reactivate")
            return InstallOutcome(name: staged.name, version: staged.version, previousVersion: previous,
                                  treeSha256: staged.treeSha256, archiveSha256: staged.archiveSha256,
                                  verdict: existing.verdict, alreadyInstalled: true)
        }
        let verdict: String?
        do {
            verdict = try gate?(staged)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .refusedByAudit("\(error)")
        }
        return try commitStaged(staged, request: request, verdict: verdict, work: work)
    }

    /// Copies or extracts the source into `work/tree`, hashes it and reads its manifest.
    func stage(_ request: InstallRequest, in work: String, progress: ((Int, Int) -> Void)?) throws(StoreError) -> StagedSkill {
        let path = URL(fileURLWithPath: request.path).standardizedFileURL.path
        guard let info = FileSystem.linkStatus(path) else { throw .sourceNotFound(request.path) }
        let treeRoot = work + "/tree"
        let writer: TreeWriter
        do { writer = try TreeWriter(root: treeRoot, limits: request.limits) } catch { throw .badTree(request.path, error) }

        var folderName: String?
        var archiveSha256: String?
        do {
            if info.st_mode & S_IFMT == S_IFDIR {
                folderName = (path as NSString).lastPathComponent
                try FolderTree.copy(from: path, into: writer, limits: request.limits, progress: progress)
            } else if info.st_mode & S_IFMT == S_IFREG {
                // Hash and keep the exact bytes first, then extract from our copy: what is
                // recorded is what was unpacked, even if the source file changes meanwhile.
                let copy = try copyArchive(from: path, into: work)
                archiveSha256 = copy.sha256
                if let expected = request.expectedArchiveSha256, expected != copy.sha256 {
                    throw StoreError.frozenDrift(["\(request.path): archive sha256 \(copy.sha256) differs from the locked \(expected)"])
                }
                let archive = try SkillArchive(path: copy.path, limits: request.limits)
                folderName = archive.folderName
                try archive.extract(into: writer, progress: progress)
            } else if info.st_mode & S_IFMT == S_IFLNK {
                throw TreeError.symlink(request.path)
            } else {
                throw TreeError.specialFile(request.path)
            }
        } catch let error as TreeError {
            throw .badTree(request.path, error)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .badTree(request.path, .corruptArchive("\(error)"))
        }

        let identity = try SkillIdentity.read(treeRoot: treeRoot, folderName: folderName)
        let treeSha256: String
        do { treeSha256 = try writer.seal() } catch { throw .badTree(request.path, error) }
        return StagedSkill(root: treeRoot, name: identity.name, version: identity.version, kind: identity.kind,
                           description: identity.description, treeSha256: treeSha256, archiveSha256: archiveSha256,
                           entries: writer.entries)
    }

    /// Copies an archive into the work directory (fsynced) while hashing it. Extraction reads this
    /// copy, so what is recorded is exactly what was unpacked even if the source changes meanwhile;
    /// the copy joins the blob cache only when the install commits.
    func copyArchive(from path: String, into work: String) throws -> (path: String, sha256: String) {
        let source = try FileDescriptor.open(path, .readOnlyNoFollow)
        defer { source.close() }
        let destination = work + "/archive.skill"
        let copy = try FileDescriptor.open(destination, .createExclusive(permissions: 0o444))
        defer { copy.close() }
        var hasher = SHA256Stream()
        try source.readChunks { chunk in
            hasher.update(chunk)
            try copy.write(chunk)
        }
        try copy.sync()
        return (destination, hasher.finalize())
    }

    /// Moves the staged archive into `blobs/sha256/HEX`; an archive already cached is kept as is.
    func keepArchive(_ staged: StagedSkill, work: String) throws(StoreError) {
        guard let sha256 = staged.archiveSha256 else { return }
        let copy = work + "/archive.skill"
        try fileSystem { () throws(FileSystemError) in
            guard !FileSystem.exists(layout.blob(sha256)), FileSystem.exists(copy) else { return }
            try FileSystem.rename(copy, to: layout.blob(sha256))
            try FileSystem.syncDirectory(layout.blobs)
        }
    }

    /// Swaps a drifted tree for the freshly staged one in a single renameat2(RENAME_EXCHANGE).
    private func replaceTree(of staged: StagedSkill, work: String) throws(StoreError) {
        let installed = layout.version(staged.name, staged.version)
        try fileSystem { () throws(FileSystemError) in
            if FileSystem.isDirectory(installed) {
                try FileSystem.exchange(staged.root, installed)
            } else {
                try FileSystem.makeDirectories(layout.skill(staged.name))
                try FileSystem.rename(staged.root, to: installed)
            }
        }
        try write { db in try StoreDatabase.log(db, "repair", name: staged.name, version: staged.version) }
    }

    /// Records the version as pending, moves its tree into place, switches `current`, and marks
    /// it installed. Recovery completes or undoes each step (see `recover`).
    func commitStaged(_ staged: StagedSkill, request: InstallRequest, verdict: String?, work: String) throws(StoreError) -> InstallOutcome {
        let now = StoreDatabase.now()
        let source = request.source ?? URL(fileURLWithPath: request.path).standardizedFileURL.path
        try write { db in
            if try SkillRecord.fetchOne(db, key: staged.name) == nil {
                try SkillRecord(name: staged.name, currentVersion: nil, previousVersion: nil, pinned: false, pinReason: nil,
                                state: .active, createdAt: now, updatedAt: now).insert(db)
            }
            try VersionRecord(name: staged.name, version: staged.version, kind: staged.kind.rawValue,
                              description: staged.description, archiveSha256: staged.archiveSha256,
                              treeSha256: staged.treeSha256, fileCount: staged.entries.count,
                              totalSize: Int64(staged.entries.reduce(0) { $0 + $1.size }), source: source,
                              signer: request.signer, verdict: verdict, state: .pending, installedAt: now).insert(db)
        }
        try fileSystem { () throws(FileSystemError) in
            let skillDirectory = layout.skill(staged.name)
            if !FileSystem.isDirectory(skillDirectory) {
                try FileSystem.makeDirectory(skillDirectory)
                try FileSystem.syncDirectory(layout.skills)
            }
            try FileSystem.rename(staged.root, to: layout.version(staged.name, staged.version))
        }
        try keepArchive(staged, work: work)
        let previous = try activate(name: staged.name, version: staged.version, work: work, action: "install",
                                    completingPending: true)
        return InstallOutcome(name: staged.name, version: staged.version, previousVersion: previous,
                              treeSha256: staged.treeSha256, archiveSha256: staged.archiveSha256, verdict: verdict,
                              alreadyInstalled: false)
    }

    /// Points `current` at `version` with one rename, then records it. Returns the version that
    /// was active before, which becomes `previous`.
    @discardableResult
    func activate(name: String, version: String, work: String, action: String, completingPending: Bool = false) throws(StoreError) -> String? {
        let before = try read { db in try SkillRecord.fetchOne(db, key: name)?.currentVersion }
        if before != version || FileSystem.readLink(layout.current(name)) != version {
            try switchCurrentLink(name: name, to: version, work: work)
        }
        try write { db in
            if completingPending {
                try db.execute(sql: "UPDATE version SET state = 'installed' WHERE name = ? AND version = ?", arguments: [name, version])
            }
            try SkillStore.recordActivation(db, name: name, version: version, previous: before, action: action)
        }
        return before
    }

    static func recordActivation(_ db: Database, name: String, version: String, previous: String?, action: String) throws {
        if previous != version {
            try db.execute(sql: "UPDATE skill SET current_version = ?, previous_version = ?, updated_at = ? WHERE name = ?",
                           arguments: [version, previous, StoreDatabase.now(), name])
        }
        try StoreDatabase.log(db, action, name: name, version: version, detail: previous.map { "previous \($0)" })
    }

    /// Creates the new link in the work directory and renames it over `current`: readers see the
    /// old target or the new one, never a missing link.
    func switchCurrentLink(name: String, to version: String, work: String) throws(StoreError) {
        try fileSystem { () throws(FileSystemError) in
            let temporary = work + "/current-link"
            if FileSystem.exists(temporary) { try FileSystem.unlink(temporary) }
            try FileSystem.symlink(target: version, at: temporary)
            try FileSystem.rename(temporary, to: layout.current(name))
            try FileSystem.syncDirectory(layout.skill(name))
        }
    }

    func makeWorkDirectory(_ purpose: String) throws(StoreError) -> String {
        let path = layout.staging + "/\(purpose)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try fileSystem { () throws(FileSystemError) in try FileSystem.makeDirectory(path, permissions: 0o700) }
        return path
    }
}

/// Name, version and kind of a staged tree, from `skill.json` or else `SKILL.md`.
public struct SkillIdentity: Sendable {
    public let name: String
    public let version: String
    public let kind: SkillKind
    public let description: String

    public static func read(treeRoot: String, folderName: String?) throws(StoreError) -> SkillIdentity {
        let manifestPath = treeRoot + "/" + SkillManifest.fileName
        let documentPath = treeRoot + "/" + SkillDocument.fileName
        var document: SkillDocument?
        if FileSystem.exists(documentPath) {
            let text: String
            do { text = try String(contentsOfFile: documentPath, encoding: .utf8) } catch {
                throw .badManifest("\(SkillDocument.fileName) is not readable UTF-8 text")
            }
            let loaded = SkillDocument.load(text: text, folderName: folderName)
            if let error = loaded.diagnostics.first(where: { $0.severity == .error }) { throw .badManifest(error.description) }
            document = loaded.document
        }
        let identity: SkillIdentity
        if FileSystem.exists(manifestPath) {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: manifestPath)) } catch {
                throw .badManifest("\(SkillManifest.fileName) is not readable")
            }
            let manifest: SkillManifest
            do { manifest = try SkillManifest.decode(data, file: SkillManifest.fileName) } catch { throw .badManifest(error.description) }
            if let documentName = document?.name, documentName != manifest.name {
                throw .badManifest("SKILL.md names the skill '\(documentName)' but skill.json names it '\(manifest.name)'")
            }
            identity = SkillIdentity(name: manifest.name, version: manifest.version.description, kind: manifest.kind, description: manifest.description)
        } else if let document, let name = document.name, let description = document.description {
            if let problem = SkillName.problem(with: name) { throw .badManifest("SKILL.md: \(problem)") }
            var version = SemanticVersion(0, 0, 0)
            if let declared = document.declaredVersion {
                do { version = try SemanticVersion(parsing: declared) } catch { throw .badManifest("SKILL.md: version \(error)") }
            }
            identity = SkillIdentity(name: name, version: version.description, kind: .instructions, description: description)
        } else {
            throw .badManifest("no SKILL.md or skill.json at the top of the skill")
        }
        if let folderName, folderName != identity.name {
            throw .nameMismatch(name: identity.name, folder: folderName)
        }
        return identity
    }
}
