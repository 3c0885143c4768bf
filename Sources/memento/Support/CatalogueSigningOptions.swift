import ArgumentParser
import SkillMarket

/// Where a catalogue is and how its index is signed and laid out, for the commands that write one.
struct CatalogueSigningOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The catalogue directory.", valueName: "dir"))
    var catalog: String

    @Option(help: ArgumentHelp("The directory with root.key and index.key.", valueName: "dir"))
    var keys: String

    @Option(help: "Days until the newly signed index expires.")
    var validDays = 90

    // Optional: a sharded index records the size it was laid out with, and a build or publish
    // without the option keeps that one rather than re-laying the index at the default.
    @Option(help: ArgumentHelp("Shard the index by name prefix past this many skills, at most this many per shard (default: the size the sharded index records, else \(CatalogueBuilder.defaultShardSize)).", valueName: "skills"))
    var shardSize: Int?

    func validate() throws {
        if let shardSize, shardSize < 1 { throw ValidationError("--shard-size must be at least 1") }
    }

    /// ", N shards" when the index was sharded, else nothing.
    func shardSummary(_ built: BuiltCatalogue) -> String {
        built.shards.isEmpty ? "" : ", \(built.shards.count) index shards"
    }
}
