import ArgumentParser
import Foundation
import MementoCore
import SkillMarket

extension MarketError: LocalizedUserError {}

struct MarketCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "market",
        abstract: "Build, sign and publish catalogues; configure the catalogues you install from.",
        discussion: """
            A catalogue is static files: index.json and keys.json with detached Ed25519 signatures, and \
            archives/NAME-VERSION.skill. Any web server or a file:// URL can serve it.

            EXAMPLES
              memento market keygen --dir keys
              memento market build Market/skills --catalog public --keys keys
              memento market publish ./csv-stats --catalog public --keys keys
              memento market add-source team file:///srv/catalogue --root-key keys/root.pub
            """,
        subcommands: [MarketKeygenCommand.self, MarketBuildCommand.self, MarketPublishCommand.self, MarketAddSourceCommand.self]
    )
}
