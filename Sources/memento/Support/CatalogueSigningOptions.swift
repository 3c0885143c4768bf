import ArgumentParser

/// Where a catalogue is and how its index is signed, for the commands that write one.
struct CatalogueSigningOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The catalogue directory.", valueName: "dir"))
    var catalog: String

    @Option(help: ArgumentHelp("The directory with root.key and index.key.", valueName: "dir"))
    var keys: String

    @Option(help: "Days until the newly signed index expires.")
    var validDays = 90
}
