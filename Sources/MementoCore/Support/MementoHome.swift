import Foundation

/// Where Memento keeps its state: `--home`, else `$MEMENTO_HOME`, else `~/.memento`.
public enum MementoHome {
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return absolute(explicit) }
        if let fromEnvironment = environment["MEMENTO_HOME"], !fromEnvironment.isEmpty { return absolute(fromEnvironment) }
        let userHome = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return userHome + "/.memento"
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }
}

public enum MementoVersion {
    public static let current = "0.1.0"
}
