import ArgumentParser
import Foundation
import MementoCore
import SkillMarket

struct MarketBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Pack every skill folder under a directory into a catalogue and sign its index.",
        discussion: "EXAMPLE\n  memento market build Market/skills --catalog public --keys keys"
    )

    @Argument(help: ArgumentHelp("A directory of skill folders.", valueName: "skills"))
    var skills: String

    @OptionGroup var signing: CatalogueSigningOptions

    func run() throws {
        let built = try CatalogueBuilder.build(skills: skills, catalogue: signing.catalog, keys: signing.keys, validDays: signing.validDays,
                                               shardSize: signing.shardSize)
        print("catalogue \(signing.catalog): index version \(built.index.version), \(built.index.skills.count) skills\(signing.shardSummary(built))")
    }
}
