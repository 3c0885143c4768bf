import Foundation
import GRDB
import MementoCore

/// `memento.lock`: what a project uses, pinned by content. Stable sorted JSON, so it diffs well
/// and two machines write the same bytes for the same state.
public struct Lockfile: Hashable, Sendable {
    public static let fileName = "memento.lock"
    public static let formatVersion = 1

    public struct Entry: Hashable, Sendable {
        public var version: String
        public var kind: String
        public var archiveSha256: String?
        public var treeSha256: String
        public var source: String
        public var signer: String?
        public var verdict: String?
    }

    public var skills: [String: Entry]

    public init(skills: [String: Entry]) { self.skills = skills }

    public var json: JSONValue {
        var entries: [String: JSONValue] = [:]
        for (name, entry) in skills {
            entries[name] = [
                "version": .string(entry.version), "kind": .string(entry.kind),
                "archive_sha256": entry.archiveSha256.map(JSONValue.string) ?? .null,
                "tree_sha256": .string(entry.treeSha256), "source": .string(entry.source),
                "signer": entry.signer.map(JSONValue.string) ?? .null, "verdict": entry.verdict.map(JSONValue.string) ?? .null,
            ]
        }
        return ["lock_version": .number(JSONNumber(Lockfile.formatVersion)), "skills": .object(entries)]
    }

    public func write(to path: String) throws(StoreError) {
        do { try FileSystem.writeAtomically(json.encodedData(.pretty), to: path) } catch { throw .io(error) }
    }

    public static func read(from path: String) throws(StoreError) -> Lockfile {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw .lockfile("\(path) cannot be read; run `memento lock` to write one")
        }
        let root: JSONValue
        do { root = try JSONValue.parse(bytes: bytes) } catch { throw .lockfile("\(path): \(error)") }
        guard root["lock_version"] == .number(JSONNumber(formatVersion)) else {
            throw .lockfile("\(path): expected \"lock_version\": \(formatVersion)")
        }
        guard let members = root["skills"]?.objectValue else { throw .lockfile("\(path): expected an object \"skills\"") }
        var skills: [String: Entry] = [:]
        for (name, value) in members {
            guard SkillName.isValid(name), let version = value["version"]?.stringValue, let tree = value["tree_sha256"]?.stringValue,
                  SHA256Hex.isValid(tree), let source = value["source"]?.stringValue
            else {
                throw .lockfile("\(path): the entry for '\(name)' needs a valid name, \"version\", \"tree_sha256\" and \"source\"")
            }
            skills[name] = Entry(version: version, kind: value["kind"]?.stringValue ?? SkillKind.instructions.rawValue,
                                 archiveSha256: value["archive_sha256"]?.stringValue, treeSha256: tree, source: source,
                                 signer: value["signer"]?.stringValue, verdict: value["verdict"]?.stringValue)
        }
        return Lockfile(skills: skills)
    }
}

extension SkillStore {
    /// The lockfile for the store's active versions.
    public func lockfile() throws(StoreError) -> Lockfile {
        var skills: [String: Lockfile.Entry] = [:]
        for skill in try list() {
            skills[skill.name] = Lockfile.Entry(version: skill.version, kind: skill.kind, archiveSha256: skill.archiveSha256,
                                                treeSha256: skill.treeSha256, source: skill.source, signer: skill.signer,
                                                verdict: skill.verdict)
        }
        return Lockfile(skills: skills)
    }

    /// Makes the store's active versions exactly the lockfile's, or changes nothing and names every
    /// drift. Everything that must be installed is staged and hashed before anything commits.
    ///
    /// `fetch` turns a source that is not a local path (a catalogue URL) into a local archive.
    public func installFrozen(_ lock: Lockfile, gate: InstallGate? = nil,
                              fetch: ((String, Lockfile.Entry) throws -> String?)? = nil) throws(StoreError) -> [InstallOutcome]
    {
        var drifts: [String] = []
        let versions = try read { db in try VersionRecord.filter(Column("state") == VersionRecord.State.installed.rawValue).fetchAll(db) }
        let active = Dictionary(uniqueKeysWithValues: try list().map { ($0.name, $0.version) })
        var activations: [(name: String, version: String)] = []
        var staged: [(StagedSkill, InstallRequest, String)] = []
        var workDirectories: [String] = []
        defer { for work in workDirectories { try? FileSystem.removeTree(work) } }

        for (name, entry) in lock.skills.sorted(by: { $0.key < $1.key }) {
            if let installed = versions.first(where: { $0.name == name && $0.version == entry.version }) {
                if installed.treeSha256 != entry.treeSha256 {
                    drifts.append("\(name)@\(entry.version): installed tree \(installed.treeSha256) differs from the locked \(entry.treeSha256)")
                } else if active[name] != entry.version {
                    activations.append((name, entry.version))
                }
                continue
            }
            var local = FileSystem.exists(entry.source) ? entry.source : nil
            if local == nil, let fetch {
                do { local = try fetch(name, entry) } catch { drifts.append("\(name)@\(entry.version): \(error)"); continue }
            }
            guard let local else {
                drifts.append("\(name)@\(entry.version): not installed, and its source \(entry.source) is not available")
                continue
            }
            let request = InstallRequest(path: local, source: entry.source, signer: entry.signer, expectedTreeSha256: entry.treeSha256,
                                         expectedArchiveSha256: entry.archiveSha256)
            let work = try makeWorkDirectory("frozen")
            workDirectories.append(work)
            do {
                let skill = try stage(request, in: work, progress: nil)
                if skill.name != name || skill.version != entry.version {
                    drifts.append("\(name)@\(entry.version): \(entry.source) now holds \(skill.name)@\(skill.version)")
                } else if skill.treeSha256 != entry.treeSha256 {
                    drifts.append("\(name)@\(entry.version): \(entry.source) hashes to tree \(skill.treeSha256), locked \(entry.treeSha256)")
                } else {
                    staged.append((skill, request, work))
                }
            } catch let StoreError.frozenDrift(found) {
                drifts += found
            } catch {
                drifts.append("\(name)@\(entry.version): \(error)")
            }
        }
        for name in active.keys.sorted() where lock.skills[name] == nil {
            drifts.append("\(name) is installed but not in \(Lockfile.fileName); uninstall it or run `memento lock`")
        }
        guard drifts.isEmpty else { throw .frozenDrift(drifts) }

        var outcomes: [InstallOutcome] = []
        for (skill, request, work) in staged {
            let verdict: String?
            do { verdict = try gate?(skill) } catch { throw .refusedByAudit("\(error)") }
            outcomes.append(try commitStaged(skill, request: request, verdict: verdict, work: work))
        }
        for activation in activations {
            let work = try makeWorkDirectory("frozen")
            workDirectories.append(work)
            let previous = try activate(name: activation.name, version: activation.version, work: work, action: "frozen")
            let record = versions.first { $0.name == activation.name && $0.version == activation.version }
            outcomes.append(InstallOutcome(name: activation.name, version: activation.version, previousVersion: previous,
                                           treeSha256: record?.treeSha256 ?? "", archiveSha256: record?.archiveSha256,
                                           verdict: record?.verdict, alreadyInstalled: true))
        }
        return outcomes
    }
}
