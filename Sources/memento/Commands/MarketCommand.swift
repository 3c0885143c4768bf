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

struct MarketBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Pack every skill folder under a directory into a catalogue and sign its index.",
        discussion: "EXAMPLE\n  memento market build Market/skills --catalog public --keys keys"
    )

    @Argument(help: ArgumentHelp("A directory of skill folders.", valueName: "skills"))
    var skills: String

    @Option(help: ArgumentHelp("The catalogue directory to write.", valueName: "dir"))
    var catalog: String

    @Option(help: ArgumentHelp("The directory with root.key and index.key.", valueName: "dir"))
    var keys: String

    @Option(help: "Days until the signed index expires.")
    var validDays = 90

    func run() throws {
        let index = try CatalogueBuilder.build(skills: skills, catalogue: catalog, keys: keys, validDays: validDays)
        print("catalogue \(catalog): index version \(index.version), \(index.skills.count) skills")
    }
}

struct MarketPublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Add one skill version to a catalogue; a published version is never replaced.",
        discussion: "EXAMPLE\n  memento market publish ./csv-stats --catalog public --keys keys"
    )

    @Argument(help: ArgumentHelp("The skill folder.", valueName: "skill-dir"))
    var skill: String

    @Option(help: ArgumentHelp("The catalogue directory.", valueName: "dir"))
    var catalog: String

    @Option(help: ArgumentHelp("The directory with root.key and index.key.", valueName: "dir"))
    var keys: String

    func run() throws {
        let index = try CatalogueBuilder.publish(skill: skill, catalogue: catalog, keys: keys)
        print("published to \(catalog): index version \(index.version)")
    }
}

struct MarketAddSourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-source",
        abstract: "Trust a catalogue: its URL and the root public key to pin.",
        discussion: "EXAMPLE\n  memento market add-source team file:///srv/catalogue --root-key keys/root.pub"
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "A short name for the catalogue.")
    var name: String

    @Argument(help: "The catalogue's URL (file://, http:// or https://).")
    var url: String

    @Option(help: ArgumentHelp("The root public key, base64 or a file holding it.", valueName: "key"))
    var rootKey: String

    func run() throws {
        let home = homeOptions.resolvedHome
        var text = rootKey
        if FileManager.default.fileExists(atPath: rootKey), let contents = try? String(contentsOfFile: rootKey, encoding: .utf8) { text = contents }
        let key = try PublicKey(base64: text)
        let resolved = url.contains("://") ? URL(string: url) : URL(fileURLWithPath: url)
        guard let resolved else { throw CommandError("'\(url)' is not a URL") }
        var configuration = try MarketConfiguration.load(home: home)
        configuration.sources.removeAll { $0.name == name }
        configuration.sources.append(CatalogueSource(name: name, url: resolved, rootKey: key))
        try configuration.save(home: home)
        print("added catalogue \(name) (\(resolved.absoluteString)), root key \(key.keyID)")
    }
}
