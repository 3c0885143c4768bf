import Foundation
import Testing
@testable import Verify
import MementoCore

/// The labelled development corpus beside the repository (`../shared/corpus`).
@Suite("Corpus")
struct CorpusTests {
    static var corpusRoot: URL {
        // Tests/VerifyTests/CorpusTests.swift → repository root → ../shared/corpus
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }

    @Test func labelledCorpus() throws {
        let labelsURL = Self.corpusRoot.appendingPathComponent("labels.json")
        let data = try #require(try? Data(contentsOf: labelsURL), "the corpus is missing at \(labelsURL.path); check out shared/ beside the repository")
        let labels = try #require(try JSONValue.parse(bytes: data).objectValue)
        #expect(labels.count > 0)
        var benignWarnings: [String] = []
        for (folder, entry) in labels.sorted(by: { $0.key < $1.key }) {
            let label = try #require(entry["label"]?.stringValue)
            let category = try #require(entry["category"]?.stringValue)
            let report = try Auditor.audit(folder: Self.corpusRoot.appendingPathComponent(folder))
            if label == "malicious" {
                #expect(report.verdict != .pass, "\(folder): malicious but passed")
                let expected = Category.matching(peerCategory: category)
                #expect(!expected.isEmpty, "\(folder): no mapping for category \(category)")
                let decisiveCategories = Set(report.decisive.map(\.category))
                #expect(!decisiveCategories.isDisjoint(with: expected),
                        "\(folder): expected \(category), decided by \(report.decisive.map { "\($0.ruleId)/\($0.category.rawValue)" })")
            } else {
                #expect(report.verdict != .block, "\(folder): benign but blocked by \(report.decisive.map(\.ruleId))")
                if report.verdict == .warn { benignWarnings.append(folder) }
            }
        }
        #expect(benignWarnings.count <= 1, "benign folders with warnings: \(benignWarnings)")
    }
}
