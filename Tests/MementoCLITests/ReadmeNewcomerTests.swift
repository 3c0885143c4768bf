import Foundation
import MementoCore
import Testing
import TestSupport

/// The README's promise to a newcomer: create, build, pack, install and call a native skill in
/// under five minutes. The test runs the README's own block, so the two cannot drift apart.
@Suite("README: a native skill in five minutes", .timeLimit(.minutes(6)))
struct ReadmeNewcomerTests {
    static let begin = "<!-- newcomer:native-skill:begin -->"
    static let end = "<!-- newcomer:native-skill:end -->"

    /// The text of the one ```sh block between the markers, or why there is none.
    static func walkthrough(in readme: String) -> Result<String, ReadmeError> {
        guard let start = readme.range(of: begin), let stop = readme.range(of: end, range: start.upperBound..<readme.endIndex) else {
            return .failure(ReadmeError("README.md has no \(begin) … \(end) section"))
        }
        let section = readme[start.upperBound..<stop.lowerBound]
        guard let open = section.range(of: "```sh\n"), let close = section.range(of: "\n```", range: open.upperBound..<section.endIndex) else {
            return .failure(ReadmeError("the newcomer section of README.md has no ```sh block"))
        }
        guard section[close.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
              section[..<open.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .failure(ReadmeError("the newcomer section of README.md must hold exactly one ```sh block"))
        }
        return .success(String(section[open.upperBound..<close.lowerBound]) + "\n")
    }

    struct ReadmeError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test func theREADMEsNativeSkillWalkthroughRunsAsWrittenInUnderFiveMinutes() throws {
        let readme = try String(contentsOfFile: Repository.root + "/README.md", encoding: .utf8)
        let script = try ReadmeNewcomerTests.walkthrough(in: readme).get()
        // Every step of the promise is in the block: nobody can shorten the walkthrough and keep the test green.
        for step in ["$B skill new ", "$B skill build ", "$B skill pack ", "$B install ", "$B call "] {
            #expect(script.contains(step), "the README walkthrough lost its `\(step)…` step")
        }

        // A newcomer's checkout: the working directory holds SkillSDK, as the repository root does.
        let temporary = try TemporaryDirectory()
        let work = temporary.path + "/checkout"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: work + "/SkillSDK", withDestinationPath: Repository.root + "/SkillSDK")
        let home = temporary.path + "/home"

        let clock = ContinuousClock()
        let started = clock.now
        let run = try Shell.run(script, directory: work, environment: ["B": CLI.binary, "MEMENTO_HOME": home])
        let elapsed = clock.now - started

        #expect(run.status == 0, "the README walkthrough failed (exit \(run.status)):\n\(run.output)")
        #expect(run.output.contains("Hello, Ada!"), "the call did not greet Ada:\n\(run.output)")
        #expect(elapsed < .seconds(300), "the walkthrough took \(elapsed), more than five minutes")

        // The call went through the store, not the build folder: the archive really was installed.
        let listed = try CLI(home: home).run(["list", "--json"])
        let names = listed.json?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names == ["greeter"], "installed: \(listed.stdout)")
    }

    @Test func aMissingOrDoubledBlockIsReportedNotSkipped() {
        let good = "x\n\(ReadmeNewcomerTests.begin)\n```sh\n$B list\n```\n\(ReadmeNewcomerTests.end)\n"
        #expect((try? ReadmeNewcomerTests.walkthrough(in: good).get()) == "$B list\n")
        #expect((try? ReadmeNewcomerTests.walkthrough(in: "no markers").get()) == nil)
        let doubled = "\(ReadmeNewcomerTests.begin)\n```sh\na\n```\n```sh\nb\n```\n\(ReadmeNewcomerTests.end)"
        #expect((try? ReadmeNewcomerTests.walkthrough(in: doubled).get()) == nil)
        let unterminated = "\(ReadmeNewcomerTests.begin)\n```sh\na\n\(ReadmeNewcomerTests.end)"
        #expect((try? ReadmeNewcomerTests.walkthrough(in: unterminated).get()) == nil)
    }
}

/// Runs a script with `bash -euo pipefail`, as a newcomer's terminal would with errors made fatal.
enum Shell {
    /// The exit status (-1 if a signal ended it) and stdout and stderr interleaved, as a terminal shows them.
    static func run(_ script: String, directory: String, environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-euo", "pipefail", "-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let terminal = Pipe()
        process.standardOutput = terminal
        process.standardError = terminal
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = terminal.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationReason == .uncaughtSignal ? -1 : process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
