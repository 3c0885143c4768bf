import Foundation
import Testing

@testable import MementoCore

private func version(_ text: String) throws -> SemanticVersion { try SemanticVersion(parsing: text) }

@Suite("SemanticVersion")
struct SemanticVersionTests {
    @Test("semver.org §11 precedence chain")
    func precedenceChain() throws {
        let chain = try [
            "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
            "1.0.0-rc.1", "1.0.0",
        ].map(version)
        for (lower, higher) in zip(chain, chain.dropFirst()) {
            #expect(lower < higher, "\(lower) < \(higher)")
            #expect(!(higher < lower), "\(higher) < \(lower)")
            #expect(lower != higher)
        }
        #expect(chain.shuffled().sorted() == chain)
    }

    @Test("major, minor and patch compare numerically", arguments: [
        ("1.0.0", "2.0.0"), ("2.0.0", "2.1.0"), ("2.1.0", "2.1.1"), ("1.9.0", "1.10.0"), ("1.0.9", "1.0.10"),
        ("0.0.1", "0.1.0"), ("1.0.0-2", "1.0.0-10"), ("1.0.0-9", "1.0.0-a"), ("1.0.0-Z", "1.0.0-a"),
        ("1.0.0-a", "1.0.0-a.0"), ("1.0.0-99999999999999999999", "1.0.0-100000000000000000000"),
        ("1.0.0-18446744073709551616", "1.0.0-alpha"), ("1.0.0-5", "1.0.0-18446744073709551616"),
    ])
    func ordering(lower: String, higher: String) throws {
        #expect(try version(lower) < version(higher))
        #expect(try !(version(higher) < version(lower)))
    }

    @Test("ordering is a strict total order consistent with ==")
    func totalOrder() throws {
        let versions = try [
            "0.0.0", "0.0.1", "0.1.0", "1.0.0-0", "1.0.0-1", "1.0.0-10", "1.0.0-a", "1.0.0-a.1", "1.0.0-a.b", "1.0.0-A",
            "1.0.0-a-b", "1.0.0-rc.1", "1.0.0", "1.0.0+x", "1.0.1", "1.1.0-beta", "2.0.0",
        ].map(version)
        for a in versions {
            for b in versions {
                let relations = [a < b, a == b, b < a].filter { $0 }.count
                #expect(relations == 1, "\(a) vs \(b)")
                for c in versions where a < b && b < c {
                    #expect(a < c, "\(a) < \(b) < \(c)")
                }
            }
        }
    }

    @Test("parses every part")
    func parts() throws {
        let parsed = try version("10.20.30-rc.1.x-y+build.7.sha-abc")
        #expect(parsed.major == 10)
        #expect(parsed.minor == 20)
        #expect(parsed.patch == 30)
        #expect(parsed.prerelease == ["rc", "1", "x-y"])
        #expect(parsed.build == ["build", "7", "sha-abc"])
        #expect(parsed.isPrerelease)
        #expect(try !version("1.0.0").isPrerelease)
        #expect(try version("18446744073709551615.0.0").major == UInt64.max)
    }

    @Test("valid versions print as they were written", arguments: [
        "0.0.0", "1.2.3", "1.0.0-alpha", "1.0.0-0.3.7", "1.0.0-x.7.z.92", "1.0.0-x-y-z.--", "1.0.0+20130313144700",
        "1.0.0-beta+exp.sha.5114f85", "1.0.0+21AF26D3----117B344092BD", "1.0.0-0A.is.legal",
    ])
    func validVersions(text: String) throws {
        #expect(try version(text).description == text)
    }

    @Test("invalid versions are rejected", arguments: [
        "", "1", "1.2", "1.2.3.4", "01.0.0", "1.02.0", "1.0.03", "1.0.0-01", "1.0.0-alpha.01", "1.0.0-",
        "1.0.0+", "1.0.0-alpha..1", "1.0.0+a..b", "1.0.0-alpha_beta", "1.0.0+ä", "v1.0.0", " 1.0.0", "1.0.0 ",
        "1..0", "a.b.c", "-1.0.0", "1.0.0-+", "1.0.0+a+b", "18446744073709551616.0.0", "1.0.0-é", "1.0.0-١",
        "١.0.0",
    ])
    func invalidVersions(text: String) {
        #expect(throws: VersionError.self) { try SemanticVersion(parsing: text) }
    }

    @Test("the error names the text and the reason")
    func errorMessage() {
        #expect {
            try SemanticVersion(parsing: "1.0.0-01")
        } throws: { error in
            guard case VersionError.invalidVersion(let text, let reason) = error else { return false }
            return text == "1.0.0-01" && reason.contains("leading zero")
        }
        let description = VersionError.invalidVersion("01.0.0", "x").description
        #expect(description == "'01.0.0' is not a semantic version: x")
    }

    @Test("build metadata is ignored in comparison and hashing but printed")
    func buildMetadata() throws {
        let a = try version("1.0.0+a")
        let b = try version("1.0.0+b")
        let plain = try version("1.0.0")
        #expect(a == b)
        #expect(a == plain)
        #expect(!(a < b) && !(b < a))
        #expect(Set([a, b, plain]).count == 1)
        #expect(a.description == "1.0.0+a")
        #expect(try version("1.0.0-rc.1+b") < version("1.0.0+a"))
    }

    @Test("Codable uses the string form and rejects bad text")
    func codable() throws {
        let original = try version("2.0.0-rc.1+meta")
        let data = try JSONEncoder().encode([original])
        #expect(String(decoding: data, as: UTF8.self) == #"["2.0.0-rc.1+meta"]"#)
        let decoded = try JSONDecoder().decode([SemanticVersion].self, from: data)
        #expect(decoded == [original])
        #expect(decoded[0].build == ["meta"])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([SemanticVersion].self, from: Data(#"["1.0"]"#.utf8)) }
    }

    @Test("memberwise init")
    func memberwise() {
        let built = SemanticVersion(1, 2, 3, prerelease: ["beta", "2"], build: ["x"])
        #expect(built.description == "1.2.3-beta.2+x")
    }
}
