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

    @Test("version is a semantic version")
    func version() throws {
        _ = try SemanticVersion(parsing: MementoVersion.current)
    }
}
