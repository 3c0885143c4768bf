import Foundation
import MementoCore
import PluginHost
import Testing
import TestSupport

@Suite("Skill settings: from HOME/settings.json to the skill")
struct SettingsTests {
    @Test func memento_callSendsEachSkillItsSettings() throws {
        let sandbox = try Sandbox()
        try sandbox.write("note.txt", "from the allowed root\n")
        let home = sandbox.base + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let cli = CLI(home: home)
        let skill = FirstParty.built + "/fs"
        let read = ["call", "fs.read", "--skill-dir", skill, "--json", "--args", #"{"path": "note.txt"}"#]

        // No settings: the root is the working directory, here the outside folder.
        let unconfigured = try cli.run(read, directory: sandbox.outside)
        #expect(unconfigured.status == 1)
        #expect(unconfigured.json?["error"]?["code"] == "not_found")

        try JSONValue.object(["fs": sandbox.settings]).encodedData().write(to: URL(fileURLWithPath: home + "/" + SkillSettings.fileName))
        for mode in [[], ["--in-process"]] {
            let configured = try cli.run(read + mode, directory: sandbox.outside)
            #expect(configured.status == 0, "\(mode): \(configured.stderr)")
            #expect(configured.json?["content"] == "from the allowed root")
        }

        try Data(#"{"fs": ["not", "an", "object"]}"#.utf8).write(to: URL(fileURLWithPath: home + "/" + SkillSettings.fileName))
        let broken = try cli.run(read)
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("settings.json: the settings of 'fs' are a JSON array"), "\(broken.stderr)")
    }

    @Test func aNetworkLibraryLoadsOnlyWhenTheManifestDeclaresNetworkAccess() throws {
        let sandbox = try Sandbox()
        let copy = sandbox.base + "/http"
        try copyTree(FirstParty.built + "/http", to: copy)
        var manifest = try JSONValue.parse(bytes: Data(contentsOf: URL(fileURLWithPath: copy + "/skill.json")))
        guard case .object(var members) = manifest else { throw CocoaError(.fileReadCorruptFile) }
        members["permissions"] = nil
        manifest = .object(members)
        try manifest.encodedData(.pretty).write(to: URL(fileURLWithPath: copy + "/skill.json"))
        #expect(throws: PluginError.disallowedLibraries(path: copy + "/libhttp.so", ["libcurl.so.4"])) {
            _ = try NativeLoader.load(try NativeSkillFolder(root: copy), mode: .runner)
        }
    }
}
