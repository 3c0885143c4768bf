import ArgumentParser
import Foundation
import MementoCore
import PluginHost

struct SkillBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build a native skill made with `memento skill new --kind native`.",
        discussion: """
            Stamps build.info in skill.json with this toolchain, writes Sources/MODULE/Manifest.swift
            from it (the library embeds its manifest, and memento refuses a library whose manifest
            differs), runs `swift build -c release`, copies the library to entry.library and
            records its sha256 in skill.json. With --output, the built skill (skill.json and the
            library) goes to that folder and the source folder's skill.json is left as it is.

            With --package, the skill folder is one of several in a larger SwiftPM package (as in
            Memento's Plugins/): the package builds the product named like the skill.

            EXAMPLES
              memento skill build ./greeter
              memento skill build Plugins/fs --package Plugins --output .build/plugins/fs
              memento skill build ./greeter && memento skill pack ./greeter
            """
    )

    @Argument(help: ArgumentHelp("The skill folder (a SwiftPM package with skill.json).", valueName: "dir"))
    var folder: String

    @Option(help: ArgumentHelp("The SwiftPM package holding this skill's product, when it is not the skill folder.", valueName: "dir"))
    var package: String?

    @Option(help: ArgumentHelp("Put the built skill (skill.json and the library) in this folder instead of the source folder.", valueName: "dir"))
    var output: String?

    func run() throws {
        let root = URL(fileURLWithPath: folder).standardizedFileURL.path
        let manifestPath = root + "/" + SkillManifest.fileName
        let manifest = try SkillManifest.load(from: URL(fileURLWithPath: manifestPath))
        guard manifest.kind == .native, let library = manifest.entry?.library else {
            throw CommandError("\(manifestPath): only native skills are built; this one is \(manifest.kind.rawValue)")
        }
        let modules = (try? FileManager.default.contentsOfDirectory(atPath: root + "/Sources")) ?? []
        guard modules.count == 1, let module = modules.first else {
            throw CommandError("\(root)/Sources must hold exactly one module folder, the skill's; found \(modules.count)")
        }
        let destinationRoot = output.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? root
        try FileManager.default.createDirectory(atPath: destinationRoot, withIntermediateDirectories: true)
        var document = try JSONValue.parse(bytes: Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        // The library reports the toolchain that compiled it; skill.json must say the same.
        if case .object(var members) = document {
            var build = members["build"]?.objectValue ?? [:]
            build["info"] = .string(NativeABI.hostToolchain)
            members["build"] = .object(build)
            document = .object(members)
        }
        try FileSystem.writeAtomically(document.encodedData(.pretty), to: destinationRoot + "/" + SkillManifest.fileName)
        try Data(SkillBuildCommand.manifestSource(manifest, NativeSkillFolder.comparable(document)).utf8)
            .write(to: URL(fileURLWithPath: "\(root)/Sources/\(module)/Manifest.swift"))

        let build = Process()
        build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let packageRoot = package.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? root
        build.arguments = ["swift", "build", "-c", "release", "--package-path", packageRoot] + (package == nil ? [] : ["--product", manifest.name])
        // The compiler's output is for the author; memento's own stdout stays the result.
        build.standardOutput = FileHandle.standardError
        try build.run()
        build.waitUntilExit()
        guard build.terminationStatus == 0 else { throw CommandError("swift build failed (status \(build.terminationStatus)); see the compiler output above") }

        let product = "\(packageRoot)/.build/release/lib\(manifest.name).so"
        let destination = destinationRoot + "/" + library
        try? FileManager.default.removeItem(atPath: destination)
        try FileManager.default.copyItem(atPath: product, toPath: destination)
        let sha256 = try LibraryHashRecorder.record(inSkillAt: destinationRoot)
        Terminal.note("built \(library), sha256 \(sha256)")
        print(destination)
    }

    /// The constants the template's source reads; regenerated on every build.
    static func manifestSource(_ manifest: SkillManifest, _ comparable: JSONValue) -> String {
        let json = comparable.encoded()
        // A raw string needs more #s than any "#… run inside it.
        var hashes = "#"
        while json.contains("\"" + hashes) { hashes += "#" }
        return """
            // Generated by `memento skill build` from skill.json; do not edit.
            let skillName: StaticString = \(literal(manifest.name))
            let skillVersion: StaticString = \(literal(manifest.version.description))
            let skillManifest: StaticString = \(hashes)"\(json)"\(hashes)

            """
    }

    private static func literal(_ text: String) -> String {
        JSONValue.string(text).encoded()
    }
}
