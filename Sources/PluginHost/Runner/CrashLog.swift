/// Where a host keeps runner crashes between its processes, so that "N crashes in M seconds"
/// counts every `memento call`, not just the calls of one process, and a disabled skill stays
/// disabled (and `doctor` can say why). Without one, a `RunnerClient` counts in memory.
public protocol CrashLog: Sendable {
    /// Records a crash or hang of the skill and returns how many it had within `window`,
    /// this one included.
    func recordCrash(skill: String, version: String, what: String, window: Duration) -> Int
    func disable(skill: String, version: String, reason: String)
    /// Why this version of the skill is disabled, or nil when it may run.
    func disabledReason(skill: String, version: String) -> String?
}
