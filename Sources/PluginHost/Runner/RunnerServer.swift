#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MementoCore

/// The runner side: `memento runner --skill DIR` loads one native or FFI skill and serves the runner
/// protocol on the stdin/stdout it was started with.
public enum RunnerServer {
    /// Serves until EOF or `shutdown`; returns the process exit status.
    public static func run(skillRoot: String) -> Int32 {
        // Move the protocol fds aside before any plugin code runs, and point fd 0/1 at
        // /dev/null and stderr: a plugin that prints or reads stdin cannot touch the stream (§7.7).
        let input = dup(0)
        let output = dup(1)
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard input >= 0, output >= 0, null >= 0, dup2(null, 0) == 0, dup2(2, 1) == 1 else {
            FileHandle.standardError.write(Data("memento runner: cannot set up its descriptors: \(String(cString: strerror(errno)))\n".utf8))
            return 2
        }
        close(null)
        _ = fcntl(input, F_SETFD, FD_CLOEXEC)
        _ = fcntl(output, F_SETFD, FD_CLOEXEC)
        // The host names its polling window; a runner started by hand without it uses the default.
        let channel = LineChannel(input: input, output: output, spin: SpinWait.requested(in: ProcessInfo.processInfo.environment) ?? SpinWait.defaultWindow)

        let skill: HostedSkill
        do {
            skill = try HostedSkill.load(root: skillRoot, mode: .runner)
        } catch {
            send(RunnerProtocol.notification(RunnerProtocol.failed, ["message": .string(error.description)]), on: channel)
            return 3
        }
        let manifest = skill.manifest
        send(RunnerProtocol.notification(RunnerProtocol.ready, [
            "abi": .string("\(NativeABI.major).\(NativeABI.minor)"),
            "protocol": .number(JSONNumber(RunnerProtocol.version)),
            "name": .string(manifest.name),
            "version": .string(manifest.version.description),
            "kind": .string(manifest.kind.rawValue),
            "pid": .number(JSONNumber(getpid())),
        ]), on: channel)

        while true {
            let line: [UInt8]
            do {
                line = try channel.readLine()
            } catch {
                // EOF or a broken pipe: the host is gone or done with us.
                skill.destroy()
                return 0
            }
            guard let request = RunnerRequest(line) else {
                send(RunnerProtocol.error(id: RunnerProtocol.null, code: -32700, message: "the request line is not JSON"), on: channel)
                continue
            }
            switch request.method {
            case RunnerProtocol.shutdown?:
                skill.destroy()
                return 0
            case RunnerProtocol.invoke?:
                guard let params = request.params, params.first == UInt8(ascii: "{") else {
                    send(RunnerProtocol.error(id: request.id, code: -32602, message: "invoke needs params, an object"), on: channel)
                    continue
                }
                do {
                    send(RunnerProtocol.result(id: request.id, try skill.serve(params)), on: channel)
                } catch {
                    send(RunnerProtocol.error(id: request.id, code: -32603, message: error.description), on: channel)
                }
            default:
                let method = request.method.map { JSONValue.string($0).encoded() } ?? "null"
                send(RunnerProtocol.error(id: request.id, code: -32601, message: "unknown method \(method)"), on: channel)
            }
        }
    }

    private static func send(_ message: JSONValue, on channel: LineChannel) {
        var line: [UInt8] = []
        message.write(into: &line)
        line.append(0x0A)
        send(line, on: channel)
    }

    /// `frame` ends with its newline, as every line `RunnerProtocol` builds does.
    private static func send(_ frame: [UInt8], on channel: LineChannel) {
        // A host that went away will be noticed by the next read; nothing to do here.
        _ = try? channel.write(frame: frame)
    }
}
