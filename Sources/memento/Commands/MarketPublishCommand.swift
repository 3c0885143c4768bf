import ArgumentParser
import Foundation
import MementoCore
import SkillMarket

struct MarketPublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Add one skill version to a catalogue; a published version is never replaced.",
        discussion: "EXAMPLE\n  memento market publish ./csv-stats --catalog public --keys keys"
    )

    @Argument(help: ArgumentHelp("The skill folder.", valueName: "skill-dir"))
    var skill: String

    @OptionGroup var signing: CatalogueSigningOptions

    func run() throws {
        let built = try CatalogueBuilder.publish(skill: skill, catalogue: signing.catalog, keys: signing.keys, validDays: signing.validDays,
                                                 shardSize: signing.shardSize)
        print("published to \(signing.catalog): index version \(built.index.version)\(signing.shardSummary(built))")
    }
}
