import Foundation
import MementoCore

/// A fresh, uniquely named directory under the system temporary directory.
public enum TemporaryPath {
    public static func make(_ prefix: String) throws -> String {
        var template = Array(FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-XXXXXX").path.utf8CString)
        guard let made = mkdtemp(&template) else { throw FileSystemError("mkdtemp", prefix) }
        return String(cString: made)
    }
}
