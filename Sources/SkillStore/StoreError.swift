import MementoCore

/// Why a store operation was refused. Every message says what to do next.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case notFound(String)
    case versionNotFound(String, String)
    case sourceNotFound(String)
    case badTree(String, TreeError)
    case badManifest(String)
    case nameMismatch(name: String, folder: String)
    case versionConflict(name: String, version: String)
    case noPreviousVersion(String)
    case refusedByAudit(String)
    case frozenDrift([String])
    case lockfile(String)
    case database(String)
    case io(FileSystemError)

    public var description: String {
        switch self {
        case .notFound(let name):
            return "no skill named '\(name)' is installed; see `memento list`"
        case .versionNotFound(let name, let version):
            return "\(name) has no installed version \(version); see `memento info \(name)`"
        case .sourceNotFound(let path):
            return "'\(path)' does not exist; give the path of a skill folder or a .skill archive"
        case .badTree(let source, let error):
            return "refused \(source): \(error); nothing was installed"
        case .badManifest(let problem):
            return "\(problem); fix the manifest and install again"
        case .nameMismatch(let name, let folder):
            return "the skill is named '\(name)' but its folder is '\(folder)'; rename the folder or the skill so they match"
        case .versionConflict(let name, let version):
            return "\(name) \(version) is already installed with different content; versions are immutable, so bump the version"
        case .noPreviousVersion(let name):
            return "\(name) has no previous version to roll back to; see `memento info \(name)`"
        case .refusedByAudit(let report):
            return "refused by verify: \(report); nothing was installed"
        case .frozenDrift(let drifts):
            return "the store does not match memento.lock (\(drifts.count) drift\(drifts.count == 1 ? "" : "s")): " + drifts.joined(separator: "; ")
                + "; nothing was changed — run `memento lock` to accept the current state, or fix each drift"
        case .lockfile(let problem):
            return "memento.lock: \(problem)"
        case .database(let problem):
            return "the store database failed: \(problem); run `memento doctor`"
        case .io(let error):
            return "\(error)"
        }
    }
}
