import ArgumentParser
import Foundation
import MementoCore
import SkillMarket

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
