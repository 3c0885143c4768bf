import Foundation
import Testing

@testable import MementoCore

@Suite("MementoHome")
struct MementoHomeTests {
    static let environment = ["MEMENTO_HOME": "/env/home", "HOME": "/users/me"]

    @Test("--home beats MEMENTO_HOME beats HOME")
    func precedence() {
        #expect(MementoHome.resolve(explicit: "/flag/home", environment: Self.environment) == "/flag/home")
        #expect(MementoHome.resolve(explicit: nil, environment: Self.environment) == "/env/home")
        #expect(MementoHome.resolve(explicit: nil, environment: ["HOME": "/users/me"]) == "/users/me/.memento")
    }

    @Test("empty values fall through to the next source")
    func emptyValues() {
        #expect(MementoHome.resolve(explicit: "", environment: Self.environment) == "/env/home")
        #expect(MementoHome.resolve(explicit: nil, environment: ["MEMENTO_HOME": "", "HOME": "/users/me"]) == "/users/me/.memento")
        let fallback = MementoHome.resolve(explicit: nil, environment: ["HOME": ""])
        #expect(fallback == NSHomeDirectory() + "/.memento")
        #expect(MementoHome.resolve(explicit: nil, environment: [:]) == NSHomeDirectory() + "/.memento")
    }

    @Test("relative paths are made absolute against the working directory")
    func relative() {
        let cwd = FileManager.default.currentDirectoryPath
        #expect(MementoHome.resolve(explicit: "state", environment: Self.environment) == cwd + "/state")
        #expect(MementoHome.resolve(explicit: nil, environment: ["MEMENTO_HOME": "rel/home"]) == cwd + "/rel/home")
    }

    @Test("a leading ~ is the user's home, as the shell does not expand it in --home=~/x")
    func tilde() {
        #expect(MementoHome.resolve(explicit: "~/state", environment: Self.environment) == "/users/me/state")
        #expect(MementoHome.resolve(explicit: "~", environment: Self.environment) == "/users/me")
        #expect(MementoHome.resolve(explicit: nil, environment: ["MEMENTO_HOME": "~/m", "HOME": "/h"]) == "/h/m")
        let cwd = FileManager.default.currentDirectoryPath
        #expect(MementoHome.resolve(explicit: "~other/x", environment: Self.environment) == cwd + "/~other/x")
    }

    @Test("version is a semantic version")
    func version() throws {
        _ = try SemanticVersion(parsing: MementoVersion.current)
    }
}
