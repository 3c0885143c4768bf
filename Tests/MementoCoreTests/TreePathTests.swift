import MementoCore
import Testing

/// Archive entry names are checked byte by byte, as the filesystem reads them: a combining mark
/// after a `/` makes one Swift Character of the two, and must not hide the separator.
@Suite("Archive entry paths")
struct TreePathTests {
    @Test(arguments: [
        "", "/etc/passwd", "/\u{301}etc/passwd", "../evil", "a/../../evil", "..\\evil", "a\\b",
        "../\u{301}x", "a/..", "a/../\u{301}", "./a", "a//b", "a/./b", "C:evil", "a\u{0}b",
        String(repeating: "x", count: 256),
    ])
    func unsafePathsAreRefused(_ path: String) {
        #expect(throws: TreeError.self, "\(path.unicodeScalars.map { String($0.value, radix: 16) })") { try TreePath.validate(path) }
    }

    @Test func componentsAndEscapesGoByBytes() {
        #expect(TreePath.components("a//b/\u{301}c/") == ["a", "b", "\u{301}c"])
        #expect(TreePath.components("../\u{301}x") == ["..", "\u{301}x"])
        for path in ["/x", "/\u{301}x", "..", "../\u{301}x", "a/../../b"] { #expect(TreePath.escapes(path), "\(path)") }
        for path in ["x", "a/b", "a..b", "\u{301}/x"] { #expect(!TreePath.escapes(path), "\(path)") }
    }

    @Test func safePathsComeBackWithoutTrailingSlashes() throws {
        #expect(try TreePath.validate("SKILL.md") == "SKILL.md")
        #expect(try TreePath.validate("references/notes.md") == "references/notes.md")
        #expect(try TreePath.validate("scripts/") == "scripts")
        #expect(try TreePath.validate("café/é\u{301}.md") == "café/é\u{301}.md")
        #expect(try TreePath.validate("a..b/.hidden") == "a..b/.hidden")
        #expect(try TreePath.validate(String(repeating: "x", count: 255)) == String(repeating: "x", count: 255))
    }
}
