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
            A catalogue is static files: index.json and keys.json with detached Ed25519 signatures, \
            archives/NAME-VERSION.skill, and past --shard-size skills shards/SHA256.json (the index split by \
            name prefix). Any web server or a file:// URL can serve it.

            EXAMPLES
              memento market keygen --dir keys
              memento market build Market/skills --catalog public --keys keys
              memento market build big/skills --catalog big --keys keys --shard-size 1000
              memento market publish ./csv-stats --catalog public --keys keys
              memento market add-source team file:///srv/catalogue --root-key keys/root.pub
              memento market serve public --port 8080
            """,
        subcommands: [MarketKeygenCommand.self, MarketBuildCommand.self, MarketPublishCommand.self, MarketAddSourceCommand.self,
                      MarketServeCommand.self]
    )
}
