import Foundation
import MementoCore

public struct PythonEnvironmentError: Error, Sendable, CustomStringConvertible {
    public let skill: String
    public let step: String
    public let output: String

    public var description: String {
        let tail = output.split(separator: "\n").suffix(6).joined(separator: "\n    ")
        return "could not prepare the Python environment of '\(skill)': \(step) failed" + (tail.isEmpty ? "" : ":\n    \(tail)")
    }
}

/// One virtual environment per version of a Python script skill that declares requirements:
/// `HOME/envs/NAME/VERSION-REQS`, where REQS names the requirements (a hash), so a skill that
/// changes them without changing its version never runs on the environment of the old ones. It
/// is built at install time, before the store commits (a failure refuses the install), and
/// removed with the skill.
///
/// pip reads its usual settings from the environment (`PIP_INDEX_URL`, `PIP_FIND_LINKS`,
/// `PIP_NO_INDEX`), so a mirror or an offline wheelhouse works without memento options.
public struct PythonEnvironments: Sendable {
    public let root: String
    /// The interpreter that creates environments: `$MEMENTO_PYTHON`, else `python3`.
    public let python: String

    public init(home: String, python: String? = nil) {
        root = home + "/envs"
        self.python = python ?? ProcessInfo.processInfo.environment["MEMENTO_PYTHON"] ?? "python3"
    }

    public func path(for manifest: SkillManifest) -> String {
        let requirements = SHA256Hex.of(Data((manifest.python?.requirements ?? []).joined(separator: "\n").utf8))
        return root + "/" + manifest.name + "/" + manifest.version.description + "-" + requirements.prefix(12)
    }

    /// The environment's interpreter when it exists.
    public func interpreter(for manifest: SkillManifest) -> String? {
        let candidate = path(for: manifest) + "/bin/python"
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    /// Builds the environment for `manifest` unless it needs none or already exists, and says
    /// whether it built one. Built in a sibling folder and renamed into place, so a half-built
    /// environment is never used.
    @discardableResult
    public func prepare(_ manifest: SkillManifest) throws(PythonEnvironmentError) -> Bool {
        guard manifest.kind == .script, let requirements = manifest.python?.requirements, !requirements.isEmpty else { return false }
        let final = path(for: manifest)
        guard interpreter(for: manifest) == nil else { return false }
        let building = final + ".building-\(getpid())"
        do throws(PythonEnvironmentError) {
            try step("creating \(root)", skill: manifest.name) { () throws(FileSystemError) in
                try FileSystem.makeDirectories(root + "/" + manifest.name)
                if FileSystem.exists(building) { try FileSystem.removeTree(building) }
            }
            try run([python, "-m", "venv", building], skill: manifest.name, step: "\(python) -m venv")
            // `--` keeps a requirement that starts with '-' from being read as a pip option.
            try run([building + "/bin/python", "-m", "pip", "install", "--disable-pip-version-check", "--quiet", "--"] + requirements,
                    skill: manifest.name, step: "pip install \(requirements.joined(separator: " "))")
            try step("moving the environment into place", skill: manifest.name) { () throws(FileSystemError) in
                try FileSystem.rename(building, to: final)
            }
        } catch {
            try? FileSystem.removeTree(building)
            throw error
        }
        return true
    }

    /// Removes the environment of this version of the skill (and the skill's folder of
    /// environments, when it was the last).
    public func remove(_ manifest: SkillManifest) {
        try? FileSystem.removeTree(path(for: manifest))
        let folder = root + "/" + manifest.name
        if (try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty == true { try? FileSystem.removeTree(folder) }
    }

    /// Removes every environment of `skill`.
    public func remove(skill: String) {
        try? FileSystem.removeTree(root + "/" + skill)
    }

    private func step(_ name: String, skill: String, _ body: () throws(FileSystemError) -> Void) throws(PythonEnvironmentError) {
        do { try body() } catch { throw PythonEnvironmentError(skill: skill, step: name, output: error.description) }
    }

    /// pip and venv run through `Subprocess`, like every child: own process group, and they die
    /// with memento.
    private func run(_ argv: [String], skill: String, step: String) throws(PythonEnvironmentError) {
        switch Subprocess.run(argv) {
        case .failure(let failure):
            throw PythonEnvironmentError(skill: skill, step: step, output: failure.description)
        case .success(let done) where done.status != 0:
            throw PythonEnvironmentError(skill: skill, step: step, output: done.stdout + done.stderr)
        case .success:
            return
        }
    }
}
