import ArgumentParser
import SkillMarket

/// The home plus `--refresh`, for commands that read the local copy of the catalogue indexes.
struct CatalogueOptions: ParsableArguments {
    @OptionGroup var homeOptions: HomeOptions

    @Flag(help: "Fetch and verify the catalogue indexes first.")
    var refresh = false

    /// The client, with its indexes fetched and verified again when `--refresh` was given.
    func client() throws -> MarketClient {
        let client = try MarketClient(home: homeOptions.resolvedHome)
        if refresh { try client.refresh() }
        return client
    }
}
