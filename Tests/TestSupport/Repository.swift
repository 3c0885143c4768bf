import Foundation

/// The repository the tests belong to: README, Market/, Plugins/, the Python venvs.
public enum Repository {
    /// Tests/TestSupport/Repository.swift → three levels up.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
