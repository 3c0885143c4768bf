import Foundation
import MementoCore
import PluginHost
import Testing
import TestSupport

@Suite("shell and python: bounded child processes")
struct ProcessSkillTests {
    @Test func runsArgvAndCommandLinesAndReportsHowTheyEnded() throws {
        let sandbox = try Sandbox()
        let shell = try FirstParty.registry("shell", settings: sandbox.settings)
        let argv = try shell.expectSuccess("shell.run", ["argv": ["printf", "%s|", "a b", "$HOME"]])
        #expect(argv["stdout"] == "a b|$HOME|", "argv reaches the program verbatim, with no shell in between")
        #expect(argv["exit_code"] == 0)
        let line = try shell.expectSuccess("shell.run", ["command": "echo out; echo err >&2; exit 7"])
        #expect(line["stdout"] == "out\n")
        #expect(line["stderr"] == "err\n")
        #expect(line["exit_code"] == 7)
        #expect(try shell.expectSuccess("shell.run", ["command": "kill -SEGV $$"])["signal"] == 11)
        #expect(try shell.expectSuccess("shell.run", ["argv": ["cat"], "stdin": "fed through stdin"])["stdout"] == "fed through stdin")
        let folder = try shell.expectSuccess("shell.run", ["command": "pwd", "cwd": "."])
        #expect(folder["stdout"] == .string(sandbox.root + "\n"))
        #expect(try shell.expectFailure("shell.run", ["command": "pwd", "cwd": "../outside"]) == "outside_roots")
        #expect(try shell.expectFailure("shell.run", ["argv": ["no-such-program-anywhere"]]) == "spawn_failed")
        #expect(try shell.expectFailure("shell.run", ["argv": ["true"], "command": "true"]) == "invalid_arguments")
        #expect(try shell.expectFailure("shell.run", [:]) == "invalid_arguments")
    }

    @Test func theDeadlineKillsTheWholeProcessGroup() throws {
        let sandbox = try Sandbox()
        let shell = try FirstParty.registry("shell", settings: sandbox.settings)
        let clock = ContinuousClock()
        var reply: JSONValue = .null
        let elapsed = try clock.measure {
            reply = try shell.expectSuccess("shell.run", ["command": "sleep 30 & echo $! > bg.pid; sleep 30", "timeout_seconds": 0.5])
        }
        #expect(reply["timed_out"] == true)
        #expect(reply["signal"] == 9)
        #expect(elapsed < .seconds(5))
        // The background sleep went with the group.
        let pid = try #require(Int32(try sandbox.read("bg.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        // SIGKILL is delivered asynchronously: allow the kernel a moment to finish it.
        var alive = ProcessTable.isRunning(pid)
        for _ in 0..<40 where alive {
            Thread.sleep(forTimeInterval: 0.05)
            alive = ProcessTable.isRunning(pid)
        }
        #expect(!alive, "background process \(pid) outlived the call")

        // A command that leaves a child holding the pipe returns when the command itself exits.
        let detached = try clock.measure {
            reply = try shell.expectSuccess("shell.run", ["command": "sleep 30 & echo started", "timeout_seconds": 20])
        }
        #expect(reply["stdout"] == "started\n")
        #expect(detached < .seconds(5))
    }

    @Test func outputAndEnvironmentFollowTheHostsSettings() throws {
        let sandbox = try Sandbox()
        setenv("MEMENTO_TEST_SECRET", "s3cret", 1)
        setenv("MEMENTO_TEST_SHARED", "shared-value", 1)
        defer { unsetenv("MEMENTO_TEST_SECRET"); unsetenv("MEMENTO_TEST_SHARED") }
        let shell = try FirstParty.registry("shell", settings: [
            "roots": [.string(sandbox.root)], "output_cap": 1000, "max_timeout": 1, "env_allow": ["PATH", "MEMENTO_TEST_SHARED"],
        ])
        let flood = try shell.expectSuccess("shell.run", ["command": "head -c 100000 /dev/zero | tr '\\0' y; echo done >&2"])
        #expect(flood["stdout"]?.stringValue?.count == 1000)
        #expect(flood["stdout_truncated"] == true)
        #expect(flood["stderr"] == "done\n", "the cut stream is still drained, so the command finishes")
        let environment = try shell.expectSuccess("shell.run", ["argv": ["env"], "env": ["CALLER_VAR": "from-caller"]])["stdout"]?.stringValue ?? ""
        #expect(environment.contains("MEMENTO_TEST_SHARED=shared-value"))
        #expect(environment.contains("CALLER_VAR=from-caller"))
        #expect(!environment.contains("s3cret"), "a host variable not in env_allow leaked")
        let capped = try shell.expectSuccess("shell.run", ["argv": ["sleep", "10"], "timeout_seconds": 600])
        #expect(capped["timed_out"] == true, "max_timeout caps what the caller asks for")
    }

    @Test func pythonRunsSnippetsIsolated() throws {
        let sandbox = try Sandbox()
        try sandbox.write("evil/json.py", "raise SystemExit('shadowed the stdlib')")
        setenv("PYTHONPATH", sandbox.root + "/evil", 1)
        defer { unsetenv("PYTHONPATH") }
        let python = try FirstParty.registry("python", settings: ["roots": [.string(sandbox.root)], "env_allow": ["PATH", "PYTHONPATH"]])
        let sum = try python.expectSuccess("python.run", ["code": "import json, sys\nprint(json.dumps({'sum': sum(range(10))}))\nprint(sys.stdin.read().upper())", "stdin": "hello"])
        #expect(sum["stdout"] == "{\"sum\": 45}\nHELLO\n", "-I ignores PYTHONPATH even when the host passes it on")
        let failure = try python.expectSuccess("python.run", ["code": "1/0"])
        #expect(failure["exit_code"] == 1)
        #expect(failure["stderr"]?.stringValue?.contains("ZeroDivisionError") == true)
        let slow = try python.expectSuccess("python.run", ["code": "import time\ntime.sleep(30)", "timeout_seconds": 0.5])
        #expect(slow["timed_out"] == true)
        let other = try FirstParty.registry("python", settings: ["interpreter": "/nonexistent/python3"])
        #expect(try other.expectFailure("python.run", ["code": "print(1)"]) == "spawn_failed")
    }
}
