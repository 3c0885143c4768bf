import Foundation

/// One search result, best first.
public struct SearchHit: Hashable, Sendable {
    public let source: String
    public let skill: CatalogueSkill
    public let score: Double
}

/// Ranks skills for a query: BM25 over name and description tokens, with the name weighted
/// three times, plus a bonus for an exact or prefix name match, so `csv` finds `csv-stats` first.
enum SearchRanking {
    static func tokens(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    static func rank(query: String, skills: [(String, CatalogueSkill)]) -> [SearchHit] {
        let terms = Set(tokens(query))
        guard !terms.isEmpty else {
            return skills.map { SearchHit(source: $0.0, skill: $0.1, score: 0) }.sorted { $0.skill.name < $1.skill.name }
        }
        let documents = skills.map { entry -> [String] in
            let name = tokens(entry.1.name)
            return name + name + name + tokens(entry.1.description)
        }
        let averageLength = max(1, Double(documents.reduce(0) { $0 + $1.count }) / Double(max(documents.count, 1)))
        var frequency: [String: Int] = [:]
        for document in documents { for term in Set(document) where terms.contains(term) { frequency[term, default: 0] += 1 } }
        let count = Double(documents.count)
        let (k1, b) = (1.2, 0.75)
        var hits: [SearchHit] = []
        for (position, entry) in skills.enumerated() {
            let document = documents[position]
            var score = 0.0
            for term in terms {
                let termCount = Double(document.filter { $0 == term || ($0.hasPrefix(term) && term.count >= 3) }.count)
                guard termCount > 0 else { continue }
                let documentFrequency = Double(frequency[term] ?? 1)
                let idf = log(1 + (count - documentFrequency + 0.5) / (documentFrequency + 0.5))
                let lengthNorm: Double = 1 - b + b * Double(document.count) / averageLength
                let saturation: Double = termCount * (k1 + 1) / (termCount + k1 * lengthNorm)
                score += idf * saturation
            }
            let name = entry.1.name
            let joined = query.lowercased().replacingOccurrences(of: " ", with: "-")
            if name == joined { score += 10 } else if name.hasPrefix(joined) { score += 3 }
            if score > 0 { hits.append(SearchHit(source: entry.0, skill: entry.1, score: score)) }
        }
        return hits.sorted { $0.score != $1.score ? $0.score > $1.score : $0.skill.name < $1.skill.name }
    }
}
