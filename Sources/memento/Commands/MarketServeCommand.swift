import ArgumentParser
import Foundation
import SkillMarket

struct MarketServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a catalogue folder over HTTP, on this machine only unless --host says otherwise.",
        discussion: """
            For local use and tests: GET and HEAD of the files inside the folder, byte ranges for \
            resumed downloads, no directory listings, no symlinks and nothing outside the folder. \
            Each request is logged to stderr; Ctrl-C or SIGTERM stops the server. To publish a \
            catalogue, put the same folder on any web server, CDN or object store.

            EXAMPLES
              memento market serve public --port 8080
              memento market add-source local http://127.0.0.1:8080/ --root-key keys/root.pub
              memento market serve public --port 0                      # any free port
              memento market serve public --port 8080 --host 0.0.0.0    # reachable from other machines
            """
    )

    @Argument(help: ArgumentHelp("The catalogue folder (the --catalog of `memento market build`).", valueName: "dir"))
    var directory: String

    @Option(help: ArgumentHelp("The TCP port; 0 picks a free one.", valueName: "n"))
    var port: Int

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "address"))
    var host = "127.0.0.1"

    func validate() throws {
        if !(0...65_535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() throws {
        let server = try CatalogueServer(directory: directory, host: host, port: port) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        if !server.isLoopback {
            FileHandle.standardError.write(Data("""
                warning: listening on \(host): other machines can fetch every file in \(directory). This server is meant for \
                local use; to publish a catalogue, use a web server, CDN or object store.\n
                """.utf8))
        }
        if !FileManager.default.fileExists(atPath: directory + "/index.json") {
            FileHandle.standardError.write(Data("warning: \(directory) has no index.json yet; `memento market build` writes one\n".utf8))
        }
        print("serving \(directory) at \(server.url) (Ctrl-C stops)")
        print("add it as a source: memento market add-source NAME \(server.url) --root-key ROOT.pub")
        fflush(nil)  // stdout may be a pipe (a script waiting for the URL): flush before serving
        server.run()
    }
}
