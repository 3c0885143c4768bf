import ArgumentParser
import MementoCore
import SkillMarket

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the configured catalogues by name and description, best match first.",
        discussion: """
            Works on the local, verified copy of each index; --refresh fetches and checks it again first.

            EXAMPLES
              memento search csv
              memento search "unit conversion" --json
            """
    )

    @OptionGroup var catalogue: CatalogueOptions

    @Argument(help: "Words to look for.")
    var query: [String] = []

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let client = try catalogue.client()
        let hits = try client.search(query.joined(separator: " "))
        if json {
            Terminal.printJSON(.array(hits.map { hit in
                ["name": .string(hit.skill.name), "description": .string(hit.skill.description), "source": .string(hit.source),
                 "versions": .array(hit.skill.releases.map { .string($0.version) }), "score": JSONNumber(hit.score).map(JSONValue.number) ?? .null]
            }))
            return
        }
        if hits.isEmpty { print("no skills match; `memento search` with no words lists everything") }
        for hit in hits {
            let latest = hit.skill.releases.compactMap(\.semanticVersion).max().map(\.description) ?? "?"
            print("\(hit.skill.name.padding(24)) \(latest.padding(9)) \(String(hit.skill.description.prefix(70)))")
        }
    }
}
