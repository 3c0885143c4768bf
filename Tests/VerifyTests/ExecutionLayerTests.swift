import Foundation
import MementoCore
import Testing
@testable import Verify

@Suite("Execution layer: sample arguments and system-call reading")
struct ExecutionLayerTests {
    @Test func sampleArgumentsSatisfyTheSchemaTheyCameFrom() {
        let schemas: [JSONValue] = [
            ["type": "object", "properties": ["name": ["type": "string", "minLength": 10], "count": ["type": "integer", "minimum": 3],
                                              "ratio": ["type": "number", "exclusiveMinimum": 0], "mode": ["enum": ["fast", "slow"]],
                                              "tags": ["type": "array", "items": ["type": "string"], "minItems": 2],
                                              "data": ["type": "string", "contentEncoding": "base64"], "optional": ["type": "string"]],
             "required": ["name", "count", "ratio", "mode", "tags", "data"], "additionalProperties": false],
            ["type": "object"],
            ["type": "object", "properties": ["nested": ["type": "object", "properties": ["flag": ["type": "boolean"]], "required": ["flag"]]], "required": ["nested"]],
            ["type": "object", "properties": ["choice": ["oneOf": [["type": "integer", "minimum": 1], ["type": "string"]]]], "required": ["choice"]],
            ["type": "object", "properties": ["code": ["type": "string", "maxLength": 2], "level": ["type": "integer", "maximum": 0],
                                              "below": ["type": "integer", "exclusiveMaximum": -3], "ratio": ["type": "number", "minimum": -1, "maximum": 0.25],
                                              "tiny": ["type": "number", "exclusiveMaximum": 0]],
             "required": ["code", "level", "below", "ratio", "tiny"]],
        ]
        for schema in schemas {
            let sample = SampleArguments.generate(for: schema)
            #expect(JSONSchemaValidator(schema: schema).validate(sample).isEmpty, "\(sample.encoded()) against \(schema.encoded())")
        }
        #expect(SampleArguments.generate(for: schemas[0])["optional"] == nil, "only required members")
    }

    @Test func readsEachKindOfCallStracePrints() {
        let log = SystemCallLog.inSandbox(realHome: "/root", skillFolder: "/srv/skill",
                                          entryPrograms: ["/usr/bin/python3.11"])
        var trace = ExecutionTrace()
        log.read("""
            7 execve("/usr/bin/python3.11", ["python3", "server.py"], 0x7ffd /* 9 vars */) = 0
            9 execve("/usr/bin/curl", ["curl", "-s"], 0x55 /* 9 vars */) = 0
            9 execve("/usr/local/bin/wget", ["wget"], 0x55 /* 9 vars */) = -1 ENOENT (No such file or directory)
            7 connect(4, {sa_family=AF_INET6, sin6_port=htons(8443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH (Network is unreachable)
            7 connect(5, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)
            7 sendto(6, "\\x12\\x34", 2, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.2")}, 16) = -1 ENETUNREACH (Network is unreachable)
            7 rename("/tmp/work/a.tmp", "/root/.profile") = -1 EROFS (Read-only file system)
            7 openat(AT_FDCWD, "/tmp/home/notes \\"draft\\".txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3
            7 openat(AT_FDCWD, "cache/x", O_RDWR|O_CREAT, 0644) = -1 EROFS (Read-only file system)
            7 openat(AT_FDCWD, "/usr/lib/python3.11/os.py", O_RDONLY|O_CLOEXEC) = 3
            7 unlinkat(AT_FDCWD, "/var/spool/cron/crontabs/root", 0) = -1 EROFS (Read-only file system)
            7 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=9, si_status=0} ---
            7 +++ exited with 0 +++
            """, into: &trace)
        #expect(trace.spawned.map(\.path) == ["/usr/bin/curl"], "the entry program and a failed exec are not spawns")
        #expect(trace.network.map(\.path) == ["[2001:db8::1]:8443", "10.0.0.2:53"], "AF_UNIX is not the network")
        #expect(trace.homeWrites.map(\.path) == [".profile", "notes \"draft\".txt"], "home-relative")
        #expect(trace.writes.map(\.path) == ["/srv/skill/cache/x", "/var/spool/cron/crontabs/root"])
    }

    @Test func aCrashedOrHungCallIsReportedAndAToolErrorIsNot() throws {
        let manifest = try JSONDecoder().decode(SkillManifest.self, from: Data(#"""
            {"manifest_version": 1, "name": "demo", "version": "1.0.0", "kind": "script", "description": "Demo. Use for tests.",
             "entry": {"command": "python3"}, "tools": []}
            """#.utf8))
        var trace = ExecutionTrace()
        trace.calls = [.init(tool: "a", outcome: .answered), .init(tool: "b", outcome: .toolError("bad input")),
                       .init(tool: "c", outcome: .crashed("killed by signal 11")), .init(tool: "d", outcome: .timedOut("10 s"))]
        let evidence = ExecutionLayer.findings(trace, manifest: manifest).filter { $0.ruleId == "EXEC-DID-NOT-RUN" }.map(\.evidence)
        #expect(evidence == ["c: crashed: killed by signal 11", "d: timed out: 10 s"])
    }

    @Test func homeWritesAreJudgedByTheirPlaceInHome() {
        #expect(ExecutionLayer.isPersistence(".bashrc"))
        #expect(ExecutionLayer.isPersistence(".ssh/authorized_keys"))
        #expect(ExecutionLayer.isPersistence(".ssh"))
        #expect(!ExecutionLayer.isPersistence("projects/.bashrc"))
        #expect(!ExecutionLayer.isPersistence(".bashrc.bak"))
        #expect(!ExecutionLayer.isPersistence(".sshd-notes"))
    }
}
