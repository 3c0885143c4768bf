"""Memento benchmarks: each figure beside a floor measured in the same run, as a ratio.

Run through `make bench`. Every case uses fresh temporary directories and local files only.
"""
import collections
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

MEMENTO = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/memento")
ROWS = []


def sample(command, env=None, setup=None, status=0):
    """Wall time in milliseconds of one fresh process, which must exit with `status`."""
    if setup:
        setup()
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          shell=isinstance(command, str))
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != status:
        raise subprocess.CalledProcessError(done.returncode, command)
    return elapsed


def timed(command, env=None, repeat=15, setup=None, status=0):
    """Median wall time in milliseconds of `repeat` fresh processes, each exiting with `status`."""
    return statistics.median(sample(command, env, setup, status) for _ in range(repeat))


def timed_pair(ours, floor, repeat):
    """Medians of both sides of a ratio, sampled in alternation (each side a function returning
    one sample), so that a slow spell on a shared machine weighs on both sides alike instead of
    on whichever side it fell."""
    ours_samples, floor_samples = [], []
    for _ in range(repeat):
        ours_samples.append(ours())
        floor_samples.append(floor())
    return statistics.median(ours_samples), statistics.median(floor_samples)


def report(name, ours, floor_name, floor, goal):
    ratio = ours / floor
    verdict = "ok" if ratio <= goal else "OVER GOAL"
    ROWS.append((name, ours, floor_name, floor, ratio, goal, verdict))
    print(f"{name:<42} {ours:9.2f} ms   {floor_name:<30} {floor:9.2f} ms   {ratio:5.2f}x  (goal <= {goal}x) {verdict}",
          flush=True)


def make_skill(parent, name, version, files, bytes_per_file):
    folder = os.path.join(parent, name)
    os.makedirs(os.path.join(folder, "references"), exist_ok=True)
    with open(os.path.join(folder, "SKILL.md"), "w") as handle:
        handle.write(f"---\nname: {name}\ndescription: Benchmark skill {name}. Use in benchmarks.\n"
                     f"metadata:\n  version: \"{version}\"\n---\n# {name}\n")
    line = f"{name} reference text for the benchmark, with some variety 0123456789.\n"
    for index in range(files - 1):
        with open(os.path.join(folder, "references", f"part{index:03}.md"), "w") as handle:
            body = (line * (bytes_per_file // len(line) + 1))[:bytes_per_file]
            handle.write(f"{index}\n{body}")
    return folder


def bench_list(work):
    home = os.path.join(work, "home-list")
    sources = os.path.join(work, "list-sources")
    os.makedirs(sources)
    folders = [make_skill(sources, f"skill-{index:04}", "1.0.0", 3, 200) for index in range(1000)]
    env = dict(os.environ, MEMENTO_HOME=home)
    for start in range(0, len(folders), 250):
        subprocess.run([MEMENTO, "install", *folders[start:start + 250]], env=env, check=True, stdout=subprocess.DEVNULL)
    listed = json.loads(subprocess.run([MEMENTO, "list", "--json"], env=env, check=True, capture_output=True).stdout)
    assert len(listed) == 1000, len(listed)
    ours, floor = timed_pair(lambda: sample([MEMENTO, "list", "--json"], env=env),
                             lambda: sample(["ls", "-R", os.path.join(home, "store")]), repeat=21)
    report("list --json, 1,000 skills (median of 21)", ours, "ls -R of the store", floor, 3.0)


def bench_install(work):
    sources = os.path.join(work, "install-sources")
    os.makedirs(sources)
    folder = make_skill(sources, "big-skill", "1.0.0", 200, 5 * 1024)
    archive = os.path.join(work, "big-skill-1.0.0.skill")
    subprocess.run(["zip", "-qr", archive, "big-skill"], cwd=sources, check=True)
    size = sum(os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(folder) for name in names)
    home = os.path.join(work, "home-install")
    unzip_dir = os.path.join(work, "unzipped")

    def fresh_home():
        if os.path.exists(home):
            subprocess.run(["chmod", "-R", "u+w", home], check=True)
            shutil.rmtree(home)

    def fresh_unzip():
        shutil.rmtree(unzip_dir, ignore_errors=True)

    env = dict(os.environ, MEMENTO_HOME=home)
    audited = timed([MEMENTO, "install", archive], env=env, setup=fresh_home)

    def installed_before():
        # The same tree was audited before, so its verdict comes from the store's cache: this
        # measures the store's own work (copy, hash, extract, seal, commit).
        subprocess.run([MEMENTO, "uninstall", "big-skill"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([MEMENTO, "gc"], env=env, check=True, stdout=subprocess.DEVNULL)

    stored, floor = timed_pair(lambda: sample([MEMENTO, "install", archive], env=env, setup=installed_before),
                               lambda: sample(f"sha256sum {archive} >/dev/null && unzip -q {archive} -d {unzip_dir}", setup=fresh_unzip),
                               repeat=15)
    report(f"install {size // 1024} KiB, 200 files, verdict cached", stored, "sha256sum + unzip", floor, 2.0)
    print(f"{'  the same with a fresh verify audit':<42} {audited:9.2f} ms   (the audit is {audited - stored:.0f} ms of it)")


def bench_verify(work):
    """Static verify per skill on the labelled corpus vs Cisco's skill-scanner on the same folders."""
    corpus = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus"))
    scanner = os.environ.get("SKILL_SCANNER", os.path.join(os.path.dirname(__file__), "..", ".venv-bench", "bin", "skill-scanner"))
    if not os.path.isdir(corpus):
        print(f"verify: skipped, no corpus at {corpus}")
        return
    with open(os.path.join(corpus, "labels.json")) as handle:
        labels = json.load(handle)
    folders = sorted(labels)
    # One process for every folder, as skill-scanner's scan-all below: the same work on each side.
    command = [MEMENTO, "verify", *[os.path.join(corpus, folder) for folder in folders], "--json", "--static"]
    result = subprocess.run(command, capture_output=True)
    reports = json.loads(result.stdout) if result.stdout else []
    if isinstance(reports, dict):  # one folder: verify keeps the single-report shape
        reports = [reports]
    ours = {folder: report.get("verdict", "error") for folder, report in zip(folders, reports)}
    if not os.access(scanner, os.X_OK):
        ours_ms = timed(command, repeat=3, status=result.returncode) / len(folders)
        print(f"verify per skill: {ours_ms:.1f} ms; cisco-ai-skill-scanner not installed at {scanner}, no ratio")
        return
    output = os.path.join(work, "cisco.json")
    # The median of three on each side, in alternation.
    ours_ms, theirs_ms = timed_pair(
        lambda: sample(command, status=result.returncode) / len(folders),
        lambda: sample([scanner, "scan-all", corpus, "-r", "--format", "json", "--output", output]) / len(folders), repeat=3)
    with open(output) as handle:
        results = json.load(handle)["results"]
    mapping = {"CRITICAL": "block", "HIGH": "block", "MEDIUM": "warn", "LOW": "pass", "INFO": "pass", "SAFE": "pass"}
    theirs = {os.path.relpath(item["skill_path"], corpus): mapping.get(item["max_severity"], item["max_severity"]) for item in results}
    speedup = theirs_ms / ours_ms
    verdict = "ok" if speedup >= 20 else "UNDER GOAL"
    ROWS.append(("verify", ours_ms, "skill-scanner", theirs_ms, speedup, 20, verdict))
    print(f"{'static verify per skill, corpus (median of 3)':<42} {ours_ms:9.2f} ms   {'skill-scanner scan-all':<30} "
          f"{theirs_ms:9.2f} ms   {speedup:5.1f}x faster  (goal >= 20x) {verdict}", flush=True)
    print(f"\n{'folder':<66} {'label':<10} {'memento':<8} skill-scanner")
    for folder in folders:
        print(f"{folder:<66} {labels[folder]['label']:<10} {ours[folder]:<8} {theirs.get(folder, '?')}")
    print()


def free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_market(work):
    """Installing 50 skills from a catalogue served by nginx on 127.0.0.1, cold and warm, vs the
    floor of curl + sha256sum + unzip of the same archives."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        print("market: skipped, nginx is not installed")
        return
    skills = os.path.join(work, "market-skills")
    os.makedirs(skills)
    names = [f"bench-skill-{index:02}" for index in range(50)]
    for name in names:
        make_skill(skills, name, "1.0.0", 10, 2048)
    keys, catalogue = os.path.join(work, "keys"), os.path.join(work, "catalogue")
    quiet = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run([MEMENTO, "market", "keygen", "--dir", keys], **quiet)
    subprocess.run([MEMENTO, "market", "build", skills, "--catalog", catalogue, "--keys", keys], **quiet)
    port = free_port()
    prefix = os.path.join(work, "nginx")
    os.makedirs(os.path.join(prefix, "logs"))
    with open(os.path.join(prefix, "nginx.conf"), "w") as handle:
        handle.write(f"daemon off; master_process off; worker_processes 1; pid {prefix}/nginx.pid;\n"
                     f"error_log {prefix}/logs/error.log; events {{ worker_connections 256; }}\n"
                     f"http {{ access_log off; client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy;\n"
                     f"fastcgi_temp_path {prefix}/fastcgi; uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;\n"
                     f"server {{ listen 127.0.0.1:{port}; root {catalogue}; }} }}\n")
    server = subprocess.Popen([nginx, "-c", os.path.join(prefix, "nginx.conf"), "-p", prefix],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(100):
            try:
                import socket
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        url = f"http://127.0.0.1:{port}/"
        home = os.path.join(work, "home-market")
        env = dict(os.environ, MEMENTO_HOME=home)
        subprocess.run([MEMENTO, "market", "add-source", "bench", url, "--root-key", os.path.join(keys, "root.pub")], env=env, **quiet)

        def fresh_home():
            # A cold cache: nothing installed, no archive cached, the index not yet fetched.
            store = os.path.join(home, "store")
            if os.path.exists(store):
                subprocess.run(["chmod", "-R", "u+w", store], check=True)
                shutil.rmtree(store)
            for leftover in ("memento.db", "memento.db-wal", "memento.db-shm", "market"):
                path = os.path.join(home, leftover)
                if os.path.isdir(path):
                    shutil.rmtree(path)
                elif os.path.exists(path):
                    os.remove(path)

        unpack = os.path.join(work, "floor")
        script = " && ".join(
            f"curl -sf -o {unpack}/{name}.skill {url}archives/{name}-1.0.0.skill && sha256sum {unpack}/{name}.skill >/dev/null"
            f" && unzip -q {unpack}/{name}.skill -d {unpack}/{name}" for name in names)

        def fresh_floor():
            shutil.rmtree(unpack, ignore_errors=True)
            os.makedirs(unpack)

        cold, floor = timed_pair(lambda: sample([MEMENTO, "install", *names], env=env, setup=fresh_home),
                                 lambda: sample(script, setup=fresh_floor), repeat=5)
        report("install 50 skills from nginx, cold cache", cold, "curl + sha256sum + unzip", floor, 1.5)

        def uninstall_all():
            subprocess.run([MEMENTO, "uninstall", *names], env=env, **quiet)

        warm = timed([MEMENTO, "install", *names], env=env, repeat=5, setup=uninstall_all)
        print(f"{'  warm re-install (archives and verdicts cached)':<42} {warm:9.2f} ms")
    finally:
        server.kill()
        server.wait()


Latency = collections.namedtuple("Latency", "p50 p99 cpu mode load")


def one_cpu():
    """Confines a benchmark process, and the processes it starts, to the first CPU it may use."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def call_latencies(arguments, env, pinned=False):
    """p50, p99 and this process's CPU time per call in µs, the execution mode, and the
    in-process load time in µs (None in a runner), from `memento call … --repeat N`; `pinned`
    runs memento and its runner on one CPU."""
    result = subprocess.run([MEMENTO, *arguments], env=env, check=True, capture_output=True, text=True,
                            preexec_fn=one_cpu if pinned else None)
    lines = result.stderr.strip().splitlines()
    line = lines[-1]  # "N calls (mode): p50 X µs, p99 Y µs, mean Z µs, cpu W µs"
    head, figures = line.split(":", 1)
    numbers = [float(part.split()[1]) for part in figures.split(",")]
    loads = [float(text.split()[3]) for text in lines if text.startswith("loaded in-process in ")]
    return Latency(p50=numbers[0], p99=numbers[1], cpu=numbers[3], mode=head[head.find("(") + 1:head.rfind(")")],
                   load=loads[-1] if loads else None)


def best_of(rounds, *sides):
    """Runs each side (a function returning a tuple whose first figure is a p50) `rounds` times,
    alternating, and keeps each side's run with the lowest p50. Microsecond figures on a shared
    machine are noisy; the best of alternating rounds treats both sides of a ratio alike."""
    best = [None] * len(sides)
    for _ in range(rounds):
        for index, side in enumerate(sides):
            run = side()
            if best[index] is None or run[0] < best[index][0]:
                best[index] = run
    return best


def bench_plugins(work):
    """Tool calls of the FFI skill (zlib crc32): through a runner vs a raw two-process pipe echo,
    and in-process vs a direct C call, all measured here in this run."""
    floor_tool = os.path.join(work, "pipe_echo")
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pipe_echo.c")
    subprocess.run(["cc", "-O2", "-o", floor_tool, source, "-lz"], check=True)
    home = os.path.join(work, "home-plugins")
    env = dict(os.environ, MEMENTO_HOME=home)
    skill = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Market", "skills", "checksum-tools")
    subprocess.run([MEMENTO, "install", skill], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    arguments = ["call", "checksum-tools.crc32", "--args", '{"seed": 0, "data": "aGVsbG8="}', "--repeat", "20000"]

    def latencies(extra):
        return call_latencies([*arguments, *extra], env)

    def pipe_echo(*extra, pinned=False):
        return [float(x) for x in subprocess.run([floor_tool, "pipe_echo", "20000", *extra], check=True, capture_output=True, text=True,
                                                 preexec_fn=one_cpu if pinned else None).stdout.split()]

    runner, echo = best_of(5, lambda: latencies([]), pipe_echo)
    ROWS.append(("runner p50", runner[0], "pipe echo", echo[0], runner[0] / echo[0], 2.0, "ok" if runner[0] / echo[0] <= 2 else "OVER GOAL"))
    print(f"{'runner round trip p50 (FFI crc32, 20,000)':<42} {runner[0]*1000:9.0f} ns   {'raw two-process pipe echo':<30} "
          f"{echo[0]*1000:9.0f} ns   {runner[0]/echo[0]:5.2f}x  (goal <= 2.0x) {'ok' if runner[0]/echo[0] <= 2 else 'OVER GOAL'}")
    print(f"{'runner round trip p99':<42} {runner[1]*1000:9.0f} ns   {'raw two-process pipe echo p99':<30} "
          f"{echo[1]*1000:9.0f} ns   {runner[1]/echo[1]:5.2f}x")
    # Where the scheduler puts the two processes can outweigh everything else: on a VM whose idle
    # CPUs halt, waking the other CPU costs tens of µs, and an echo that does no work tends to keep
    # both ends on one CPU, which a runner that does work does not. memento and its runners poll
    # their pipes for 100 µs before they sleep (SpinWait), which the raw echo does not. So three
    # more lines: the echo polling the same way (like for like: the rest is our own work), both
    # sides on one CPU (where nothing polls), and the free echo with 2 µs of work at each end.
    polling = best_of(5, lambda: pipe_echo("0", "100"))[0]
    print(f"{'  (like for like)':<42} {'':>12}   {'the echo polling 100 µs, as we do':<30} "
          f"{polling[0]*1000:9.0f} ns   {runner[0]/polling[0]:5.2f}x")
    pinned, echo_pinned = best_of(5, lambda: call_latencies([*arguments], env, pinned=True), lambda: pipe_echo(pinned=True))
    print(f"{'  both on one CPU, p50':<42} {pinned[0]*1000:9.0f} ns   {'  the same echo on one CPU':<30} "
          f"{echo_pinned[0]*1000:9.0f} ns   {pinned[0]/echo_pinned[0]:5.2f}x")
    working = best_of(5, lambda: pipe_echo("2"))[0]
    print(f"{'  (free placement, for comparison)':<42} {'':>12}   {'echo, 2 µs of work at each end':<30} "
          f"{working[0]*1000:9.0f} ns   {runner[0]/working[0]:5.2f}x")
    inprocess = latencies(["--in-process"])
    direct = float(subprocess.run([floor_tool, "crc32", "2000000"], check=True, capture_output=True, text=True).stdout)
    print(f"{'in-process FFI call p50 (JSON in and out)':<42} {inprocess[0]*1000:9.0f} ns   {'direct C call of crc32':<30} "
          f"{direct:9.1f} ns   {inprocess[0]*1000/direct:5.0f}x  (the JSON marshalling, as the ABI notes predict)")


BENCH_ECHO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_echo")
ECHO_ARGS = '{"name": "Ada Lovelace", "values": [3, 1, 4, 1, 5, 9, 2, 6], "scale": 0.5}'


def build_bench_echo(work, env):
    """The bench-echo native skill: the SDK template with Benchmarks/bench_echo's tool, built
    by `memento skill build` (swift build -c release) against this repository's SkillSDK."""
    sdk = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "SkillSDK")
    quiet = {"env": env, "check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run([MEMENTO, "skill", "new", "bench-echo", "--kind", "native", "--sdk", os.path.abspath(sdk), "--directory", work], **quiet)
    folder = os.path.join(work, "bench-echo")
    sources = [os.path.join(folder, "Sources", name) for name in os.listdir(os.path.join(folder, "Sources"))]
    assert len(sources) == 1, sources
    for name in ("Skill.swift", "EchoTool.swift"):
        shutil.copy(os.path.join(BENCH_ECHO, name), os.path.join(sources[0], name))
    with open(os.path.join(folder, "skill.json")) as handle:
        manifest = json.load(handle)
    manifest["description"] = "Decodes a small input and encodes a small output. Use in benchmarks."
    manifest["tools"] = [{"name": "echo", "description": "Counts and sums the values.", "input_schema": {
        "type": "object", "required": ["name", "values", "scale"], "properties": {
            "name": {"type": "string"}, "values": {"type": "array", "items": {"type": "integer"}}, "scale": {"type": "number"}}}}]
    with open(os.path.join(folder, "skill.json"), "w") as handle:
        json.dump(manifest, handle, indent=2)
    subprocess.run([MEMENTO, "skill", "build", folder], **quiet)
    return folder


def bench_native(work):
    """A native Swift skill called in-process vs a direct Swift call doing the same JSON work,
    and loading it (fresh process to first result) against the ABI notes' budget."""
    env = dict(os.environ, MEMENTO_HOME=os.path.join(work, "home-native"))
    folder = build_bench_echo(work, env)
    floor_tool = os.path.join(work, "json_floor")
    subprocess.run(["swiftc", "-O", "-parse-as-library", "-o", floor_tool, os.path.join(BENCH_ECHO, "floor.swift"),
                    os.path.join(BENCH_ECHO, "EchoTool.swift")], check=True, stdout=subprocess.DEVNULL)
    call = ["call", "bench-echo.echo", "--skill-dir", folder, "--in-process", "--args", ECHO_ARGS]
    reply = json.loads(subprocess.run([MEMENTO, *call, "--json"], env=env, check=True, capture_output=True, text=True).stdout)
    assert reply == {"count": 8, "name": "Ada Lovelace", "sum": 15.5}, reply

    def direct():
        return [float(x) for x in subprocess.run([floor_tool, ECHO_ARGS, "20000"], check=True, capture_output=True, text=True).stdout.split()]

    # Seven alternating rounds: on a shared VM both sides have fast and slow spells of seconds,
    # and the best of each side is only a fair pair when each has had a fast one.
    ours, floor = best_of(7, lambda: call_latencies([*call, "--repeat", "20000"], env), direct)
    p50, p99, mode = ours.p50, ours.p99, ours.mode
    # A toolchain mismatch would quietly move the skill to a runner: then this row measures the wrong thing.
    assert mode == "in-process", f"bench-echo ran as {mode}, not in-process"
    ratio = p50 / floor[0]
    verdict = "ok" if ratio <= 1.3 else "OVER GOAL"
    ROWS.append(("native in-process p50", p50, "direct Swift call", floor[0], ratio, 1.3, verdict))
    print(f"{'native Swift skill in-process p50 (20,000)':<42} {p50:9.2f} µs   {'direct Swift call, same JSON':<30} "
          f"{floor[0]:9.2f} µs   {ratio:5.2f}x  (goal <= 1.3x) {verdict}")
    print(f"{'  p99':<42} {p99:9.2f} µs   {'  p99':<30} {floor[1]:9.2f} µs   {p99 / floor[1]:5.2f}x")

    # Load, as the host times it: read, hash, ELF checks, memfd, dlopen, descriptor checks, create.
    # The median of fresh processes (the first load in a process pays the Swift runtime's
    # conformance scans of the new image).
    loads = sorted(call_latencies([*call, "--repeat", "1"], env).load for _ in range(15))
    load = loads[len(loads) // 2] / 1000
    verdict = "ok" if load <= 5.0 else "OVER GOAL"
    ROWS.append(("native load", load, "budget", 5.0, load / 5.0, 1.0, verdict))
    print(f"{'native load in-process (median of 15)':<42} {load:9.2f} ms   {'the ABI notes budget':<30} {5.0:9.2f} ms   "
          f"{load / 5.0:5.2f}x  (hash, memfd, dlopen, checks, create) {verdict}")


def bench_mcp(work):
    """The MCP engine, each against its peer in this run: tools/call through our client vs the
    Python SDK's client (same Python server), reading a 16 MiB result vs `cat`, and
    `memento serve` vs a Python SDK server doing the same crc32, both called by the Python client."""
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    python = os.path.join(repo, ".venv-mcp", "bin", "python")
    if not os.access(python, os.X_OK):
        sys.exit(f"{python} is missing: run `make venv`")
    fixture = [python, os.path.join(repo, "Tests", "MCPTests", "Fixtures", "fixture_server.py")]
    client_bench = [python, os.path.join(here, "mcp_client_bench.py")]
    home = os.path.join(work, "home-mcp")
    env = dict(os.environ, MEMENTO_HOME=home)
    subprocess.run([MEMENTO, "mcp", "add", "fixture", "--", *fixture], env=env, check=True, stdout=subprocess.DEVNULL)

    def python_client(calls, tool, arguments, command, text_size=None):
        """p50, p99 and the client process's CPU time per call, in µs; `text_size` is the
        length of the result text the calls must have returned."""
        out = subprocess.run([*client_bench, str(calls), tool, arguments, "--", *command], env=env, check=True,
                             capture_output=True, text=True).stdout.split()
        assert text_size is None or int(out[2]) == text_size, f"{tool} returned {out[2]} bytes of text, not {text_size}"
        return float(out[0]), float(out[1]), float(out[3])

    # The same Python server answers both clients, and it takes about a millisecond a call
    # whoever calls it. So the goal (our per-call time at most a fifth of theirs) is judged on
    # what each client itself spends per call: its process's CPU time. The round trip, which
    # carries the server's time on both sides, is shown beside it.
    ours, theirs = best_of(3, lambda: call_latencies(["call", "fixture__echo", "--args", '{"text": "hello"}', "--repeat", "2000"], env),
                           lambda: python_client(2000, "echo", '{"text": "hello"}', fixture, text_size=len("hello")))
    ratio = ours.cpu / theirs[2]
    verdict = "ok" if ratio <= 0.2 else "OVER GOAL"
    ROWS.append(("MCP client CPU per call", ours.cpu, "Python SDK client", theirs[2], ratio, 0.2, verdict))
    print(f"{'MCP tools/call, our client CPU per call':<42} {ours.cpu:9.1f} µs   {'Python SDK client, same server':<30} "
          f"{theirs[2]:9.1f} µs   {ratio:5.2f}x  (goal <= 0.2x) {verdict}")
    print(f"{'  round trip p50 (server time included)':<42} {ours[0]:9.1f} µs   {'  round trip p50':<30} {theirs[0]:9.1f} µs   "
          f"{ours[0] / theirs[0]:5.2f}x")
    print(f"{'  round trip p99':<42} {ours[1]:9.1f} µs   {'  round trip p99':<30} {theirs[1]:9.1f} µs   {ours[1] / theirs[1]:5.2f}x")

    # 16 MiB tools/call answers as a server writes them, read through a pipe: eight in a row, as
    # a client reads results over a connection's life (one process start for all eight).
    results = 8
    message = os.path.join(work, "results-16MiB.jsonl")
    # The largest result the client accepts: the whole line, envelope included, is 16 MiB.
    envelope = json.dumps({"jsonrpc": "2.0", "id": 7, "result": {"content": [{"type": "text", "text": ""}], "isError": False}})
    line = json.dumps({"jsonrpc": "2.0", "id": 7, "result": {"content": [{"type": "text", "text": "x" * ((16 << 20) - len(envelope))}], "isError": False}})
    assert len(line) == 16 << 20
    with open(message, "w") as handle:
        for _ in range(results):
            handle.write(line + "\n")
    reader = os.path.join(os.path.dirname(MEMENTO), "mcp-read-bench")
    proof = subprocess.run(["bash", "-c", f"'{reader}' < '{message}'"], check=True, capture_output=True, text=True).stdout.split()
    assert int(proof[0]) == results, f"the reader read {proof[0]} of {results} results"
    text_size = (16 << 20) - len(envelope)
    assert int(proof[1]) == text_size, f"the reader rendered {proof[1]} bytes of text, not {text_size}"
    ours_read, cat_read = (figure / results for figure in timed_pair(
        lambda: sample(["bash", "-c", f"cat '{message}' | '{reader}' > /dev/null"]),
        lambda: sample(["bash", "-c", f"cat '{message}' | cat > /dev/null"]), repeat=9))
    ratio = ours_read / cat_read
    verdict = "ok" if ratio <= 3 else "OVER GOAL"
    ROWS.append(("MCP 16 MiB read", ours_read, "cat", cat_read, ratio, 3.0, verdict))
    print(f"{'MCP client reads a 16 MiB result (of 8)':<42} {ours_read:9.1f} ms   {'cat of the same bytes, a pipe':<30} "
          f"{cat_read:9.1f} ms   {ratio:5.2f}x  (goal <= 3x; frame, parse, render) {verdict}")

    subprocess.run([MEMENTO, "install", os.path.join(repo, "Market", "skills", "checksum-tools")], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    served = python_client(2000, "checksum-tools.crc32", '{"seed": 0, "data": "aGVsbG8="}', [MEMENTO, "serve", "--home", home])
    peer = python_client(2000, "crc32", '{"seed": 0, "data": "aGVsbG8="}', [python, os.path.join(here, "crc32_server.py")])
    ratio = served[0] / peer[0]
    verdict = "ok" if ratio < 1 else "OVER GOAL"
    ROWS.append(("memento serve p50", served[0], "Python SDK server", peer[0], ratio, 1.0, verdict))
    print(f"{'memento serve, Python client p50 (crc32)':<42} {served[0]:9.1f} µs   {'Python SDK server, same work':<30} "
          f"{peer[0]:9.1f} µs   {ratio:5.2f}x  (goal < 1x) {verdict}")

    # The clients alone: the Python server above costs about a millisecond a call whoever calls
    # it, so the same comparison against `memento serve` shows what each client adds.
    subprocess.run([MEMENTO, "mcp", "add", "served", "--", MEMENTO, "serve", "--home", home], env=env, check=True, stdout=subprocess.DEVNULL)
    ours_fast = call_latencies(["call", "served__checksum-tools.crc32", "--args", '{"seed": 0, "data": "aGVsbG8="}', "--repeat", "2000"], env)
    print(f"{'  our client -> memento serve p50':<42} {ours_fast[0]:9.1f} µs   {'Python SDK client -> same':<30} "
          f"{served[0]:9.1f} µs   {ours_fast[0] / served[0]:5.2f}x  (for reference: the clients without a Python server)")


def main():
    if not os.access(MEMENTO, os.X_OK):
        sys.exit(f"{MEMENTO} is not built; run `make bench`")
    print(f"memento benchmarks ({MEMENTO})\n")
    with tempfile.TemporaryDirectory(prefix="memento-bench-") as work:
        bench_list(work)
        bench_install(work)
        bench_verify(work)
        bench_market(work)
        bench_plugins(work)
        bench_mcp(work)
        bench_native(work)
    over = [row for row in ROWS if row[-1] != "ok"]
    print(f"\n{len(ROWS) - len(over)} of {len(ROWS)} figures within their goals")


if __name__ == "__main__":
    main()
