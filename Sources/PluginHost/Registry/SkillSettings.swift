import Foundation
import MementoCore

/// What the person running memento allows each skill: `HOME/settings.json`, an object with one
/// object per skill name, sent to that skill with every call (see `ToolInvocation`).
///
/// ```json
/// {"fs": {"roots": ["/srv/notes"]}, "http": {"allowed_hosts": ["api.example.com"]}}
/// ```
public enum SkillSettings {
    public static let fileName = "settings.json"

    public struct LoadError: Error, CustomStringConvertible {
        public let path: String
        public let problem: String
        public var description: String { "\(path): \(problem); it must be a JSON object of objects, such as {\"fs\": {\"roots\": [\"/srv/notes\"]}}" }
    }

    /// The settings in `home`, or none when it has no settings file.
    public static func load(home: String) throws(LoadError) -> [String: JSONValue] {
        let path = home + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes: data)
        } catch {
            throw LoadError(path: path, problem: "not valid JSON (\(error))")
        }
        guard case .object(let skills) = document else { throw LoadError(path: path, problem: "the document is a JSON \(document.typeName)") }
        for (name, settings) in skills {
            guard case .object = settings else { throw LoadError(path: path, problem: "the settings of '\(name)' are a JSON \(settings.typeName)") }
        }
        return skills
    }
}
