import ArgumentParser
import Foundation
import MementoCore
import SkillMarket

struct MarketKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create a root key (keep it offline) and an index key.",
        discussion: "EXAMPLE\n  memento market keygen --dir keys"
    )

    @Option(help: ArgumentHelp("Where to write root.key, root.pub, index.key, index.pub.", valueName: "dir"))
    var dir: String

    func run() throws {
        let keys = try CatalogueBuilder.generateKeys(in: dir)
        print("root key \(keys.root.keyID) and index key \(keys.index.keyID) written to \(dir)")
        print("clients pin the root public key: \(keys.root.base64)")
    }
}
