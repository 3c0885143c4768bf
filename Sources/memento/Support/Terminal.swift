#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import MementoCore
import SkillStore

extension StoreError: LocalizedUserError {}

enum Terminal {
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints a JSON value on stdout, pretty and with sorted keys, for scripts.
    static func printJSON(_ value: JSONValue) {
        FileHandle.standardOutput.write(value.encodedData(.pretty))
    }
}

/// A one-line progress bar on stderr. It only appears on a terminal and only once an operation
/// has run for more than a second, so quick commands and pipes stay quiet. In byte mode it shows
/// the amount, the rate and the time left, as a download should.
final class ProgressBar {
    enum Unit { case items, bytes }

    private let label: String
    private let unit: Unit
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false
    private let enabled: Bool

    init(_ label: String, unit: Unit = .items, enabled: Bool = Terminal.standardErrorIsTerminal) {
        self.label = label
        self.unit = unit
        self.enabled = enabled
    }

    func update(done: Int, total: Int) {
        guard enabled, total > 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(started) > 1, now.timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
        lastDraw = now
        drawn = true
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let elapsed = now.timeIntervalSince(started)
        let remaining = done > 0 ? elapsed * Double(total - done) / Double(done) : 0
        let amount: String
        switch unit {
        case .items:
            amount = "\(done)/\(total)"
        case .bytes:
            let rate = Double(done) / max(elapsed, 0.001)
            amount = "\(ProgressBar.size(Double(done)))/\(ProgressBar.size(Double(total))) \(ProgressBar.size(rate))/s"
        }
        Terminal.standardErrorWrite(String(format: "\r%@ [%@] %@  %.0fs left ", label, bar, amount, remaining))
    }

    func finish() {
        if drawn { Terminal.standardErrorWrite("\r\u{1B}[K") }
    }

    static func size(_ bytes: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB"]
        var value = bytes
        var index = 0
        while value >= 1024 && index < units.count - 1 {
            value /= 1024
            index += 1
        }
        return index == 0 ? "\(Int(value)) B" : String(format: "%.1f %@", value, units[index])
    }
}

extension Terminal {
    static func standardErrorWrite(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

extension HomeOptions {
    /// Opens the store for writing, telling the user when another memento holds the lock.
    func writableStore() throws -> SkillStore {
        try SkillStore.writer(home: resolvedHome) {
            Terminal.note("waiting for another memento process to finish writing the store…")
        }
    }

    /// Opens the store for reading; nil means nothing was installed yet.
    func readableStore() throws -> SkillStore? {
        try SkillStore.reader(home: resolvedHome)
    }
}
