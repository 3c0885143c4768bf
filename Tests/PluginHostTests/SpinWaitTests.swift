#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MementoCore
import Testing
@testable import PluginHost

/// Readers of a runner's pipes poll for a short window before they sleep (`SpinWait`). These
/// tests hold the window to its bounds: polling must never outlast it, on either side.
@Suite("Polling the runner's pipes", .timeLimit(.minutes(2)))
struct SpinWaitTests {
    @Test func theWindowComesFromTheEnvironmentWithinBounds() {
        #expect(SpinWait.requested(in: [:]) == SpinWait.defaultWindow)
        #expect(SpinWait.requested(in: [SpinWait.environmentKey: "0"]) == .zero)
        #expect(SpinWait.requested(in: [SpinWait.environmentKey: "250"]) == .microseconds(250))
        #expect(SpinWait.requested(in: [SpinWait.environmentKey: "999999999"]) == SpinWait.maximumWindow)
        for bad in ["", "-5", "1.5", "50us", "lots"] {
            #expect(SpinWait.requested(in: [SpinWait.environmentKey: bad]) == nil, "\(bad)")
        }
        #expect(SpinWait.environmentValue(.microseconds(250)) == "250")
        // On one CPU the peer cannot run while we poll: never poll there.
        #expect(SpinWait.window(.microseconds(100), cpus: 1) == .zero)
        #expect(SpinWait.window(.microseconds(100), cpus: 2) == .microseconds(100))
    }

    /// Lines that arrive together, or split across reads, come out whole and in order, with or
    /// without polling.
    @Test(arguments: [Duration.zero, .microseconds(200)])
    func linesAreFramedWhateverTheReadsBring(spin: Duration) throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let reader = LineChannel(input: fds[0], output: -1, spin: spin)
        let writer = LineChannel(input: -1, output: fds[1], spin: .zero)
        let lines = (0..<500).map { "{\"n\":\($0)}" }
        let burst = Array(lines.joined(separator: "\n").utf8)
        // The burst ends mid-line: its last line is only finished by the next write.
        try burst.withUnsafeBytes { try writer.write(frame: $0) }
        for line in lines.dropLast() { #expect(String(decoding: try reader.readLine(deadline: .now + .seconds(5)), as: UTF8.self) == line) }
        try writer.writeLine(Array(" tail".utf8))
        #expect(String(decoding: try reader.readLine(deadline: .now + .seconds(5)), as: UTF8.self) == lines[lines.count - 1] + " tail")
        #expect(throws: LineChannel.Failure.timedOut) { try reader.readLine(deadline: .now + .milliseconds(50)) }
        close(fds[1])
        #expect(throws: LineChannel.Failure.endOfStream) { try reader.readLine(deadline: .now + .seconds(5)) }
    }

    /// Only a pipe is made non-blocking for polling: a terminal or a file is shared with others.
    /// (The file case holds on any machine; the pipe case, where polling applies, needs two CPUs.)
    @Test func onlyAPipeIsPolled() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("spin-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data("one\n".utf8)))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let fd = open(file, O_RDONLY)
        defer { close(fd) }
        let channel = LineChannel(input: fd, output: -1, spin: .microseconds(100))
        #expect(channel.spin == .zero)
        #expect(fcntl(fd, F_GETFL) & O_NONBLOCK == 0)
        #expect(String(decoding: try channel.readLine(), as: UTF8.self) == "one")

        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        // A pipe is polled unless this process has one CPU, where polling never applies.
        let polled = SpinWait.usableCPUs > 1
        #expect(LineChannel(input: fds[0], output: -1, spin: .microseconds(100)).spin == (polled ? .microseconds(100) : .zero))
        #expect((fcntl(fds[0], F_GETFL) & O_NONBLOCK != 0) == polled)
    }

    /// With a 200 µs window, a caller waiting on a tool that takes 2 ms polls for 200 µs and then
    /// sleeps; the runner, idle after its reply, polls as briefly and then sleeps too.
    @Test func neitherSidePollsPastItsWindow() throws {
        guard SpinWait.usableCPUs > 1 else { return }  // one CPU: nothing polls, nothing to bound
        let workspace = try PluginWorkspace()
        var configuration = RunnerConfiguration.nativeSkill(root: try workspace.skill(named: "spin"), executable: mementoBinary)
        configuration.environment[SpinWait.environmentKey] = "200"
        let client = RunnerClient(skill: "spin", configuration: configuration)
        defer { client.stop() }
        _ = try client.start()

        let calls = 50
        let started = threadCPUTime()
        for _ in 0..<calls { #expect(try client.call(tool: "slow", arguments: [:]) == ["slept_ms": 2]) }
        let spent = threadCPUTime() - started
        // Polling through each 2 ms call would cost 100 ms; the window allows 10 ms.
        #expect(spent < .milliseconds(50), "the caller spent \(spent) of CPU over \(calls) calls of 2 ms")

        guard case .running(let pid) = client.status else {
            Issue.record("the runner is not running")
            return
        }
        let before = try cpuTicks(of: pid)
        Thread.sleep(forTimeInterval: 0.5)
        let idle = try cpuTicks(of: pid) - before
        #expect(idle <= 5, "an idle runner used \(idle) clock ticks of CPU in 0.5 s")
    }

    /// A window that is not a number is the person's mistake, said as such; it is not held
    /// against the skill as a crash.
    @Test func aBadWindowIsAClearErrorNotACrash() throws {
        let workspace = try PluginWorkspace()
        var configuration = RunnerConfiguration.nativeSkill(root: try workspace.skill(named: "badspin"), executable: mementoBinary)
        configuration.environment[SpinWait.environmentKey] = "fast"
        let client = RunnerClient(skill: "badspin", configuration: configuration)
        for _ in 0..<4 {
            let error = runnerError { _ = try client.call(tool: "echo", arguments: [:]) }
            #expect(error?.description.contains("MEMENTO_RUNNER_SPIN_US must be a whole number of microseconds") == true, "\(String(describing: error))")
        }
        #expect(client.status == .stopped)
        #expect(client.starts == 0)
    }

    private func threadCPUTime() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    /// utime + stime of a process, in clock ticks (`/proc/PID/stat`, fields 14 and 15).
    private func cpuTicks(of pid: Int32) throws -> Int {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name may hold spaces; the fields after it are plain.
        guard let close = stat.lastIndex(of: ")") else { throw CocoaError(.fileReadCorruptFile) }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { throw CocoaError(.fileReadCorruptFile) }
        return user + system
    }
}
