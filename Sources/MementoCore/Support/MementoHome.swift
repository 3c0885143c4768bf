import Foundation

/// Where Memento keeps its state: `--home`, else `$MEMENTO_HOME`, else `~/.memento`.
public enum MementoHome {
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let userHome = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        if let explicit, !explicit.isEmpty { return absolute(explicit, userHome: userHome) }
        if let fromEnvironment = environment["MEMENTO_HOME"], !fromEnvironment.isEmpty {
            return absolute(fromEnvironment, userHome: userHome)
        }
        return userHome + "/.memento"
    }

    /// The shell leaves `~` alone in `--home=~/x` and in quoted variables, so it is expanded here.
    static func absolute(_ path: String, userHome: String) -> String {
        if path == "~" { return userHome }
        if path.hasPrefix("~/") { return userHome + path.dropFirst() }
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }
}

public enum MementoVersion {
    public static let current = "0.1.0"
}
