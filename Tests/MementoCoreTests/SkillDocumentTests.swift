import Foundation
import Testing

@testable import MementoCore

/// A SKILL.md with the given frontmatter lines and a short body.
private func skill(_ frontmatter: String, body: String = "# Title\n\nBody text.\n") -> String {
    "---\n\(frontmatter)\n---\n\(body)"
}

private func errors(_ diagnostics: [ManifestDiagnostic]) -> [ManifestDiagnostic] {
    diagnostics.filter { $0.severity == .error }
}

private func warnings(_ diagnostics: [ManifestDiagnostic]) -> [ManifestDiagnostic] {
    diagnostics.filter { $0.severity == .warning }
}

@Suite("SkillDocument")
struct SkillDocumentTests {
    @Test("a minimal valid skill loads cleanly and validates")
    func minimal() throws {
        let text = skill("name: pdf-tools\ndescription: Extract text from PDFs. Use when a PDF is attached.")
        let (document, diagnostics) = SkillDocument.load(text: text, folderName: "pdf-tools")
        #expect(diagnostics.isEmpty)
        let loaded = try #require(document)
        #expect(loaded.name == "pdf-tools")
        #expect(loaded.description == "Extract text from PDFs. Use when a PDF is attached.")
        #expect(loaded.body == "# Title\n\nBody text.\n")
        #expect(loaded.bodyLine == 5)
        #expect(loaded.fieldLines["name"] == 2)
        #expect(loaded.fieldLines["description"] == 3)
        #expect(SkillDocument.validate(text: text, folderName: "pdf-tools").isEmpty)
    }

    @Test("all optional fields are read")
    func optionalFields() throws {
        let text = skill("""
            name: git-helper
            description: Helps with git.
            license: Apache-2.0
            compatibility: Requires git 2.40 and network access
            allowed-tools: Bash(git:*) Read
            metadata:
              author: example
              version: "1.2"
            """)
        let (document, diagnostics) = SkillDocument.load(text: text, folderName: "git-helper")
        #expect(diagnostics.isEmpty)
        let loaded = try #require(document)
        #expect(loaded.license == "Apache-2.0")
        #expect(loaded.compatibility == "Requires git 2.40 and network access")
        #expect(loaded.allowedTools == "Bash(git:*) Read")
        #expect(loaded.metadata == ["author": "example", "version": "1.2"])
        #expect(loaded.declaredVersion == "1.2")
        #expect(loaded.extraFields.isEmpty)
    }

    // MARK: Field limits at the boundary

    @Test("name of 64 characters passes, 65 fails")
    func nameLength() {
        let ok = String(repeating: "a", count: 64)
        let long = String(repeating: "a", count: 65)
        #expect(SkillDocument.validate(text: skill("name: \(ok)\ndescription: d"), folderName: ok).isEmpty)
        let strict = SkillDocument.validate(text: skill("name: \(long)\ndescription: d"), folderName: long)
        #expect(strict.count == 1)
        #expect(strict.first?.field == "name")
        #expect(strict.first?.message.contains("1 to 64") == true)
        let (document, lenient) = SkillDocument.load(text: skill("name: \(long)\ndescription: d"), folderName: long)
        #expect(document != nil)
        #expect(errors(lenient).isEmpty)
        #expect(warnings(lenient).map(\.field) == ["name"])
    }

    @Test("description of 1024 characters passes, 1025 fails")
    func descriptionLength() {
        let ok = String(repeating: "d", count: 1024)
        let long = String(repeating: "d", count: 1025)
        #expect(SkillDocument.validate(text: skill("name: s\ndescription: \(ok)"), folderName: "s").isEmpty)
        let strict = SkillDocument.validate(text: skill("name: s\ndescription: \(long)"), folderName: "s")
        #expect(strict.map(\.field) == ["description"])
        #expect(strict.first?.message.contains("1025") == true)
        let (document, lenient) = SkillDocument.load(text: skill("name: s\ndescription: \(long)"), folderName: "s")
        #expect(document?.description?.count == 1025)
        #expect(lenient.map(\.severity) == [.warning])
    }

    @Test("limits count code points, as the reference validator does, not grapheme clusters")
    func limitsCountCodePoints() {
        let decomposed = String(repeating: "e\u{301}", count: 513)  // 513 graphemes, 1026 code points
        let strict = SkillDocument.validate(text: skill("name: s\ndescription: \(decomposed)"), folderName: "s")
        #expect(strict.map(\.field) == ["description"])
        #expect(strict.first?.message.contains("1026") == true)
        let emoji = String(repeating: "😀", count: 1024)  // one code point each
        #expect(SkillDocument.validate(text: skill("name: s\ndescription: \(emoji)"), folderName: "s").isEmpty)
    }

    @Test("compatibility of 500 characters passes, 501 fails")
    func compatibilityLength() {
        let ok = String(repeating: "c", count: 500)
        let long = String(repeating: "c", count: 501)
        #expect(SkillDocument.validate(text: skill("name: s\ndescription: d\ncompatibility: \(ok)"), folderName: "s").isEmpty)
        let strict = SkillDocument.validate(text: skill("name: s\ndescription: d\ncompatibility: \(long)"), folderName: "s")
        #expect(strict.map(\.field) == ["compatibility"])
        #expect(strict.first?.severity == .error)
    }

    @Test("empty or missing description is an error even leniently", arguments: ["name: s", "name: s\ndescription: \"\"", "name: s\ndescription: \"   \""])
    func missingDescription(frontmatter: String) {
        let (_, diagnostics) = SkillDocument.load(text: skill(frontmatter), folderName: "s")
        #expect(errors(diagnostics).map(\.field) == ["description"])
    }

    @Test("a YAML null counts as absent, a quoted 'null' as text", arguments: ["name:", "name: ~", "name: null"])
    func nullFields(nameLine: String) throws {
        let (document, diagnostics) = SkillDocument.load(text: skill("\(nameLine)\ndescription: d\nlicense: ~\ncompatibility:"))
        let loaded = try #require(document)
        #expect(loaded.name == nil)
        #expect(loaded.license == nil)
        #expect(loaded.compatibility == nil)
        #expect(diagnostics.map(\.message) == ["the required field 'name' is missing"])
        let quoted = SkillDocument.load(text: skill("name: 'null'\ndescription: d\nlicense: \"~\""), folderName: "null")
        #expect(quoted.document?.name == "null")
        #expect(quoted.document?.license == "~")
        #expect(quoted.diagnostics.isEmpty)
    }

    @Test("missing name is an error")
    func missingName() {
        let (_, diagnostics) = SkillDocument.load(text: skill("description: d"))
        #expect(errors(diagnostics).map(\.field) == ["name"])
        #expect(errors(diagnostics).first?.message.contains("missing") == true)
    }

    // MARK: Names

    @Test("bad names warn leniently and fail strictly", arguments: [
        ("PDF-tools", "lowercase"), ("pdf_tools", "lowercase"), ("-pdf", "start or end"), ("pdf-", "start or end"),
        ("pdf--tools", "--"), ("pdf tools", "lowercase"), ("pdf.tools", "lowercase"), ("pdé", "lowercase"),
    ])
    func badNames(name: String, complaint: String) {
        let text = skill("name: \"\(name)\"\ndescription: d")
        let (document, lenient) = SkillDocument.load(text: text, folderName: name)
        #expect(document?.name == name)
        #expect(errors(lenient).isEmpty)
        #expect(warnings(lenient).count == 1)
        let strict = SkillDocument.validate(text: text, folderName: name)
        #expect(strict.count == 1)
        #expect(strict.first?.field == "name")
        #expect(strict.first?.message.contains(complaint) == true, "\(strict)")
        #expect(!SkillName.isValid(name))
    }

    @Test("good names", arguments: ["a", "0", "pdf", "pdf-tools-2", "a-b-c-d", "123"])
    func goodNames(name: String) {
        #expect(SkillName.isValid(name))
    }

    @Test("name differing from the folder: warning leniently, error strictly")
    func folderMismatch() {
        let text = skill("name: pdf-tools\ndescription: d")
        let (document, lenient) = SkillDocument.load(text: text, folderName: "pdf")
        #expect(document != nil)
        #expect(lenient.map(\.severity) == [.warning])
        #expect(lenient.first?.message.contains("'pdf'") == true)
        let strict = SkillDocument.validate(text: text, folderName: "pdf")
        #expect(strict.map(\.severity) == [.error])
        #expect(strict.first?.field == "name")
        #expect(strict.first?.line == 2)
        #expect(SkillDocument.validate(text: text, folderName: nil).isEmpty)
    }

    // MARK: Frontmatter shape

    @Test("missing frontmatter fails with a diagnostic", arguments: [
        "# Just markdown\n", "", "\n---\nname: s\n---\n", "name: s\ndescription: d\n",
    ])
    func missingFrontmatter(text: String) {
        let (document, diagnostics) = SkillDocument.load(text: text)
        #expect(document == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.severity == .error)
        #expect(diagnostics.first?.message.contains("frontmatter") == true)
    }

    @Test("unclosed frontmatter fails and says so")
    func unclosedFrontmatter() {
        let (document, diagnostics) = SkillDocument.load(text: "---\nname: s\ndescription: d\n# Body\n")
        #expect(document == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("closing '---'") == true, "\(diagnostics)")
    }

    @Test("CRLF line endings load like LF")
    func crlf() throws {
        let text = "---\r\nname: crlf-skill\r\ndescription: Handles CRLF.\r\nmetadata:\r\n  k: v\r\n---\r\n# Body\r\nline two\r\n"
        let (document, diagnostics) = SkillDocument.load(text: text, folderName: "crlf-skill")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let loaded = try #require(document)
        #expect(loaded.name == "crlf-skill")
        #expect(loaded.description == "Handles CRLF.")
        #expect(loaded.metadata == ["k": "v"])
        #expect(loaded.bodyLine == 7)
        #expect(loaded.body.hasPrefix("# Body"))
        #expect(loaded.body.contains("line two"))
    }

    @Test("an indented '---' inside a block scalar does not close the frontmatter")
    func fenceInsideBlockScalar() throws {
        let text = "---\nname: s\ndescription: |\n  Part one\n  ---\n  Part two\n--- \nBody\n"
        let (document, diagnostics) = SkillDocument.load(text: text, folderName: "s")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let loaded = try #require(document)
        #expect(loaded.description == "Part one\n---\nPart two")
        #expect(loaded.body == "Body\n")
        #expect(loaded.bodyLine == 8)
    }

    @Test("a leading byte-order mark is accepted")
    func byteOrderMark() throws {
        let text = "\u{FEFF}" + skill("name: bom\ndescription: d")
        let (document, diagnostics) = SkillDocument.load(text: text, folderName: "bom")
        #expect(diagnostics.isEmpty)
        #expect(document?.name == "bom")
    }

    @Test("frontmatter that is not a mapping is an error", arguments: ["- a\n- b", "just a string", "[1, 2]"])
    func notAMapping(frontmatter: String) {
        let (document, diagnostics) = SkillDocument.load(text: skill(frontmatter))
        #expect(document == nil)
        #expect(diagnostics.first?.message.contains("mapping") == true)
    }

    @Test("invalid YAML that no repair fixes is an error")
    func invalidYAML() {
        let (document, diagnostics) = SkillDocument.load(text: skill("name: [unclosed\ndescription: d"))
        #expect(document == nil)
        #expect(diagnostics.first?.message.contains("not valid YAML") == true)
    }

    @Test("a field of the wrong shape is reported by name")
    func wrongShape() {
        let (_, diagnostics) = SkillDocument.load(text: skill("name: s\ndescription:\n  - a\n  - b"), folderName: "s")
        #expect(diagnostics.contains { $0.field == "description" && $0.message.contains("must be a string") })
        let (_, metadata) = SkillDocument.load(text: skill("name: s\ndescription: d\nmetadata: [1, 2]"), folderName: "s")
        #expect(metadata.contains { $0.field == "metadata" && $0.severity == .error })
    }

    // MARK: Metadata and unknown keys

    @Test("metadata values that are not strings are kept as extra fields with a warning")
    func metadataNonStrings() throws {
        let text = skill("""
            name: s
            description: d
            metadata:
              author: me
              count: 3
              openclaw:
                requires:
                  bins: [git, jq]
              tags: [a, b]
            """)
        let (document, diagnostics) = SkillDocument.load(text: text, folderName: "s")
        let loaded = try #require(document)
        #expect(loaded.metadata == ["author": "me", "count": "3"])
        #expect(loaded.extraFields["metadata.openclaw"] == ["requires": ["bins": ["git", "jq"]]])
        #expect(loaded.extraFields["metadata.tags"] == ["a", "b"])
        #expect(Set(warnings(diagnostics).compactMap(\.field)) == ["metadata.openclaw", "metadata.tags"])
        #expect(errors(diagnostics).isEmpty)
        #expect(errors(SkillDocument.validate(text: text, folderName: "s")).count == 2)
    }

    @Test("unknown keys are kept verbatim and reported")
    func unknownKeys() throws {
        let text = skill("""
            name: s
            description: d
            version: 1.10
            homepage: https://example.com
            flags: {beta: true, level: 2, ratio: 0.5, none: null}
            quoted: "true"
            quoted-number: '42'
            """)
        let (document, diagnostics) = SkillDocument.load(text: text, folderName: "s")
        let loaded = try #require(document)
        #expect(loaded.extraFields["version"]?.encoded() == "1.10")
        #expect(loaded.declaredVersion == "1.10")
        #expect(loaded.extraFields["homepage"] == "https://example.com")
        #expect(loaded.extraFields["flags"] == ["beta": true, "level": 2, "ratio": 0.5, "none": nil])
        #expect(loaded.extraFields["quoted"] == "true")
        #expect(loaded.extraFields["quoted-number"] == "42")
        #expect(Set(warnings(diagnostics).compactMap(\.field)) == ["version", "homepage", "flags", "quoted", "quoted-number"])
        #expect(errors(diagnostics).isEmpty)
        let strict = SkillDocument.validate(text: text, folderName: "s")
        #expect(strict.count == 5)
        #expect(strict.allSatisfy { $0.severity == .error })
    }

    @Test("a YAML alias bomb in an extra field is cut off, not expanded", .timeLimit(.minutes(1)))
    func aliasBomb() throws {
        var lines = ["name: s", "description: d", "l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...9 {
            lines.append("l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let (document, diagnostics) = SkillDocument.load(text: skill(lines.joined(separator: "\n")), folderName: "s")
        let loaded = try #require(document)
        #expect(loaded.name == "s")
        #expect(loaded.extraFields["l0"] != nil)
        #expect(errors(diagnostics).contains { $0.message.contains("more than") })
        #expect(loaded.extraFields["l9"] == nil)
    }

    @Test("deeply nested YAML is refused without crashing")
    func deepNesting() {
        let (document, diagnostics) = SkillDocument.load(text: skill("name: s\ndescription: d\nx: " + String(repeating: "[", count: 20_000)))
        #expect(document == nil)
        #expect(errors(diagnostics).count == 1)
    }

    // MARK: Repairs and strictness

    @Test("an unquoted colon in a value is repaired with a warning")
    func unquotedColonRepair() throws {
        let text = skill("name: s\ndescription: Use this skill: when a PDF \"arrives\" at C:\\in\nlicense: MIT")
        let (document, diagnostics) = SkillDocument.load(text: text, folderName: "s")
        let loaded = try #require(document)
        #expect(loaded.description == "Use this skill: when a PDF \"arrives\" at C:\\in")
        #expect(loaded.license == "MIT")
        #expect(diagnostics.map(\.severity) == [.warning])
        #expect(diagnostics.first?.message.contains("quot") == true)
        #expect(SkillDocument.validate(text: text, folderName: "s").map(\.severity) == [.error])
    }

    @Test("the colon repair leaves flow collections, block scalars and quoted values alone")
    func repairLeavesStructure() throws {
        let text = skill("""
            name: s
            description: Use this: for tests
            flags: {beta: true, level: 2}
            tags: [a: 1]
            license: 'MIT: see file'
            compatibility: >
              Needs: a network
            """)
        let (document, diagnostics) = SkillDocument.load(text: text, folderName: "s")
        let loaded = try #require(document)
        #expect(loaded.description == "Use this: for tests")
        #expect(loaded.extraFields["flags"] == ["beta": true, "level": 2])
        #expect(loaded.extraFields["tags"] == [["a": 1]])
        #expect(loaded.license == "MIT: see file")
        #expect(loaded.compatibility == "Needs: a network")
        #expect(errors(diagnostics).isEmpty)
    }

    @Test("'<' or '>' in the description is refused strictly, tolerated leniently", arguments: ["Use <b>this</b>", "a > b", "x < y"])
    func angleBrackets(description: String) {
        let text = skill("name: s\ndescription: \"\(description)\"")
        #expect(SkillDocument.load(text: text, folderName: "s").diagnostics.isEmpty)
        let strict = SkillDocument.validate(text: text, folderName: "s")
        #expect(strict.map(\.field) == ["description"])
        #expect(strict.first?.message.contains("'<' or '>'") == true)
    }

    @Test("diagnostic description carries file, line and field")
    func diagnosticDescription() {
        let diagnostic = ManifestDiagnostic(.warning, file: "x/SKILL.md", field: "name", line: 2, "bad")
        #expect(diagnostic.description == "x/SKILL.md:2 (name): warning: bad")
        #expect(ManifestDiagnostic(.error, file: "f", "m").description == "f: error: m")
    }

    // MARK: Real skills

    static let corpus: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/corpus/benign-anthropic").standardizedFileURL

    @Test("the five benign Anthropic skills load and validate without errors", arguments: [
        "algorithmic-art", "brand-guidelines", "internal-comms", "skill-creator", "theme-factory",
    ])
    func benignCorpus(folder: String) throws {
        let file = SkillDocumentTests.corpus.appendingPathComponent(folder).appendingPathComponent("SKILL.md")
        guard FileManager.default.fileExists(atPath: file.path) else {
            Issue.record("corpus file missing: \(file.path); the shared corpus must sit beside the repository")
            return
        }
        let text = try String(contentsOf: file, encoding: .utf8)
        let (document, diagnostics) = SkillDocument.load(text: text, file: file.path, folderName: folder)
        #expect(errors(diagnostics).isEmpty, "\(diagnostics)")
        let loaded = try #require(document)
        #expect(loaded.name == folder)
        #expect(!(loaded.description ?? "").isEmpty)
        #expect(!loaded.body.isEmpty)
        #expect(errors(SkillDocument.validate(text: text, file: file.path, folderName: folder)).isEmpty)
    }
}
