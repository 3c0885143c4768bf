#if canImport(Glibc)
import Glibc
#endif
import SkillKit

/// The folders a file tool may touch, from the skill's settings (`roots`), canonical. A path is
/// resolved through every symlink before it is compared, so a link inside a root that points
/// outside it is refused like the outside path itself.
public struct AllowedRoots: Sendable {
    public let roots: [String]

    /// `configured` nil means the host's working directory, which is where a user who did not
    /// configure anything expects an agent's file tools to work.
    public init(_ configured: [String]?) throws {
        let wanted = configured ?? [AllowedRoots.workingDirectory()]
        guard !wanted.isEmpty else { throw SkillError("no_roots", "the settings give an empty roots list; name at least one folder") }
        roots = try wanted.map { root in
            guard root.utf8.first == AllowedRoots.slash else { throw SkillError("invalid_settings", "root '\(root)' is not an absolute path") }
            guard let canonical = AllowedRoots.realPath(root) else { throw SkillError("invalid_settings", "root '\(root)' does not exist") }
            return canonical
        }
    }

    /// The canonical absolute path of `path` (relative paths start at the first root), refused
    /// unless it lies inside a root. A path that does not exist yet resolves through its nearest
    /// existing ancestor; `..` is never allowed in the part that does not exist.
    ///
    /// Paths are taken apart and compared as bytes, as the filesystem does. As Swift Strings a
    /// combining mark after `/` joins it into one Character, hiding a `..` component, and two
    /// names that differ only in Unicode normalisation compare equal, though they are two folders.
    public func resolve(_ path: String) throws -> String {
        guard !path.isEmpty else { throw SkillError("invalid_arguments", "the path is empty") }
        guard !path.utf8.contains(0) else { throw SkillError("invalid_arguments", "the path contains a NUL byte") }
        let absolute = path.utf8.first == AllowedRoots.slash ? path : roots[0] + "/" + path
        var existing = Array(absolute.utf8)
        var missing: [ArraySlice<UInt8>] = []
        var canonical = AllowedRoots.realPath(existing)
        while canonical == nil {
            guard let slash = existing.lastIndex(of: AllowedRoots.slash) else { break }
            let component = existing[(slash + 1)...]
            if component.elementsEqual("..".utf8) { throw SkillError("outside_roots", "\(path): '..' in a part that does not exist") }
            if !component.isEmpty && !component.elementsEqual(".".utf8) { missing.insert(component, at: 0) }
            existing = slash == 0 ? [AllowedRoots.slash] : Array(existing[..<slash])
            canonical = AllowedRoots.realPath(existing)
        }
        guard let base = canonical else { throw SkillError("not_found", "\(path): no part of it exists") }
        let resolved = missing.isEmpty ? base : (base == "/" ? "" : base) + "/" + missing.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
        guard contains(resolved) else {
            throw SkillError("outside_roots", "\(path) resolves to \(resolved), outside the allowed roots (\(roots.joined(separator: ", "))); the host's settings.json sets them")
        }
        return resolved
    }

    /// The path relative to the root that holds it, for replies that should not leak layout.
    public func display(_ canonical: String) -> String {
        for root in roots {
            guard let rest = AllowedRoots.below(canonical, root) else { continue }
            return rest.isEmpty ? "." : String(decoding: rest, as: UTF8.self)
        }
        return canonical
    }

    public func contains(_ canonical: String) -> Bool {
        roots.contains { AllowedRoots.below(canonical, $0) != nil }
    }

    private static let slash = UInt8(ascii: "/")

    /// What follows `root` in `path`, byte for byte: empty when they are the same path, nil
    /// when `path` is not in `root`.
    private static func below(_ path: String, _ root: String) -> ArraySlice<UInt8>? {
        let path = Array(path.utf8), root = Array(root.utf8)
        if root == [slash] { return path.first == slash ? path.dropFirst() : nil }
        guard path.starts(with: root) else { return nil }
        if path.count == root.count { return [] }
        return path[root.count] == slash ? path[(root.count + 1)...] : nil
    }

    static func realPath(_ path: [UInt8]) -> String? {
        realPath(String(decoding: path, as: UTF8.self))
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func workingDirectory() -> String {
        guard let directory = getcwd(nil, 0) else { return "/" }
        defer { free(directory) }
        return String(cString: directory)
    }
}
