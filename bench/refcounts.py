"""Counts, per request, the Swift runtime's reference-counting and allocation calls that a gateway
binary makes while it serves the load's plain request: exact counts from uprobes (`perf probe`),
not samples, so they repeat from run to run to the request and show small before / after changes
that this machine's timing noise hides. CPU counters and valgrind are unavailable here; these
calls are what the profile spends a fifth of the gateway's time in.

    python3 bench/refcounts.py BINARY [BINARY ...] [--telemetry-off] [--metered] [--guarded] [--connections 4] [--seconds 4]
        [--tasks | --syscalls | --calls clock_gettime,swift_beginAccess,...]

Each binary serves `--connections` connections from wrk for `--seconds`, after a warm-up, while
`perf stat` counts the probed calls in its process; the counts are divided by the requests served.
With telemetry on, the collector's fold of each trace is counted too (its batches vary in size, so
those counts vary by a few percent); `--telemetry-off` counts the request path alone. `--tasks`
counts the concurrency runtime's task calls instead, and `--calls` any functions of the Swift
runtime (named `swift_...`), of the standard library (mangled, `$sSS10lowercasedSSyF`) or of libc by name: `clock_gettime` for reads of the clock,
`swift_beginAccess` for dynamic exclusivity checks; `--syscalls` the system calls that read,
write and wait (kernel tracepoints, so every caller's). Needs root (uprobes); the probes are
removed at the end.
"""
import argparse, os, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load

parser = argparse.ArgumentParser()
parser.add_argument("binaries", nargs="+")
parser.add_argument("--telemetry-off", action="store_true")
parser.add_argument("--stream", action="store_true")
parser.add_argument("--metered", action="store_true")
parser.add_argument("--guarded", action="store_true")
parser.add_argument("--connections", type=int, default=4)
parser.add_argument("--seconds", type=int, default=4)
parser.add_argument("--tasks", action="store_true")
parser.add_argument("--syscalls", action="store_true", help="count the system calls that move bytes and wait for them instead")
parser.add_argument("--calls", help="count these functions instead (each looked up in the Swift runtime, its concurrency library and libc)")
args = parser.parse_args()

SWIFT = ["swift_retain", "swift_release", "swift_bridgeObjectRetain", "swift_bridgeObjectRelease", "swift_allocObject"]
LIBC = ["malloc"]
SYSCALLS = ["read", "write", "writev", "epoll_wait", "epoll_ctl"]
# With --tasks: the concurrency runtime's calls that a request's task makes (creation, each
# enqueue on an executor, each executor switch), counted instead of the reference counting.
TASKS = ["swift_task_create", "swift_task_enqueue", "swift_task_switch", "swift_continuation_init"]


def probe_name(function):
    """The probe's event name for `function`: a mangled name's `$` is not allowed in one."""
    return function.replace("$", "_")


def add_named_probes(binary, names):
    """Probes each of `names`: a `swift_` function, or a mangled one (`$s...`) of the standard
    library, in the first of the runtime's libraries that has it; any other in libc (the
    runtime's libraries hold stubs of libc's functions too)."""
    events = []
    runtime = [load.library(binary, name) for name in ("libswiftCore.so", "libswift_Concurrency.so")]
    libc = [load.library(binary, "libc.so")]
    for function in names:
        event = f"refcounts_calls:{probe_name(function)}"
        libraries = runtime if function.startswith(("swift_", "$s")) else libc
        if not any(load.add_probe(event, lib, function) for lib in libraries):
            sys.exit(f"no library of {binary} has {function}")
        events.append(event)
    return events


def add_probes(binary):
    if args.calls:
        return add_named_probes(binary, args.calls.split(","))
    events = []
    libraries = [(load.library(binary, "libswift_Concurrency.so"), TASKS)] if args.tasks else [(load.library(binary, "libswiftCore.so"), SWIFT)]
    for lib, functions in libraries + [(load.library(binary, "libc.so"), LIBC)]:
        group = "refcounts_" + os.path.basename(lib).split(".")[0].replace("-", "_")
        for function in functions:
            event = f"{group}:{function}"
            if not load.add_probe(event, lib, function):
                sys.exit(f"{lib} has no {function}")
            events.append(event)
    return events


def count(binary, events, origin_port, folder):
    with load.serving(binary, folder, origin_port, not args.telemetry_off, metered=args.metered, guarded=args.guarded) as (gateway, url):
        script = load.wrk_script(folder, "stream", "gpt-4o-mini-stream", True) if args.stream else load.wrk_script(folder, "plain", "gpt-4o-mini", False)
        load.wrk(url, script, args.connections, 2)
        output = os.path.join(folder, "perf-stat.csv")
        perf = subprocess.Popen(["perf", "stat", "-x,", "-e", ",".join(events), "-p", str(gateway.pid), "-o", output])
        time.sleep(0.5)
        served = load.wrk(url, script, args.connections, args.seconds)["requests"]
        perf.send_signal(2)
        perf.wait()
        counts = {}
        with open(output) as handle:
            for line in handle:
                fields = line.strip().split(",")
                if len(fields) > 2 and fields[0].isdigit():
                    counts[fields[2].split(":")[1].removeprefix("sys_enter_")] = int(fields[0]) / max(1, served)
        return served, counts


folder = tempfile.mkdtemp(prefix="gateway-refcounts.")
origin_port = load.free_port()
origin = load.start_nginx(folder, load.nginx_conf(folder, origin_port))
names = SYSCALLS if args.syscalls else args.calls.split(",") if args.calls else (TASKS if args.tasks else SWIFT) + LIBC
events = []
try:
    print(f"calls per request ({'telemetry off' if args.telemetry_off else 'telemetry on'}{', metered' if args.metered else ''}{', guarded' if args.guarded else ''}, {args.connections} connections):")
    print(f"{'binary':40s} {'requests':>8s} " + " ".join(f"{name.replace('swift_', ''):>19s}" for name in names))
    for binary in args.binaries:
        # Probed anew for each binary: one with the Swift runtime linked in holds its own copy of it.
        events = [] if args.syscalls else add_probes(binary)
        probes = [f"syscalls:sys_enter_{name}" for name in SYSCALLS] if args.syscalls else events
        served, counts = count(binary, probes, origin_port, folder)
        print(f"{binary:40s} {served:8d} " + " ".join(f"{counts.get(probe_name(name), 0):19.1f}" for name in names))
        load.remove_probes(events)
        events = []
finally:
    load.remove_probes(events)
    origin.terminate()
    origin.wait()
