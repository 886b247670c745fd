"""How long the gateway's threads wait on locks under the load's plain request: `perf trace -s`
counts each thread's futex calls and the time spent in them (a lock that is taken waits in one,
and a lock released to a waiter wakes it with one; epoll and the event loops' own wake-ups use
neither). Reported per binary, for the event loops and the telemetry collector: calls per 1,000
requests, milliseconds spent in them per second of the run (per thread), and the longest call.
The binaries run in turn, `--rounds` times; the medians are reported. Under perf the load
runs slower (20,000 to 27,000 requests/s here, against 31,000 to 37,000 without it), alike for
each binary: compare binaries within one run, not with runs without perf. A contended
`Mutex` spins first (up to 500 `pause`s in Swift's Linux implementation) and only then calls
the kernel, so the spinning is not counted here: `perf record -e cpu-clock` shows it as
`_MutexHandle._lockSlow` (bench/README, 18:00).

    python3 bench/waits.py BINARY [BINARY ...] [--rounds 3] [--seconds 5] [--connections 32] [--metered | --guarded]

`--metered` runs every binary under the bench's budget and rate limit, `--guarded` with every
input guardrail on: the variants of `bench/run.sh`, whose locks the plain request does not take.

Needs perf (Debian's linux-perf), nginx and wrk.
"""
import collections, os, re, signal, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load

parser = load.binaries_parser(seconds=5)
parser.add_argument("--metered", action="store_true")
parser.add_argument("--guarded", action="store_true")
args = parser.parse_args()

# One thread's block of `perf trace -s`: "NAME (TID), N events, P%", then a row per syscall.
THREAD = re.compile(r"^ (\S.*) \((\d+)\), \d+ events")
ROW = re.compile(r"^\s+futex\s+(\d+)\s+\d+\s+([\d.]+)\s+[\d.]+\s+[\d.]+\s+([\d.]+)")


def nice(pid, tid):
    with open(f"/proc/{pid}/task/{tid}/stat") as handle:
        return int(handle.read().rsplit(")", 1)[1].split()[16])


def measure(binary, origin_port, folder):
    with load.serving(binary, folder, origin_port, True, metered=args.metered, guarded=args.guarded) as (gateway, url):
        script = load.wrk_script(folder, "plain", "gpt-4o-mini", False)
        load.wrk(url, script, args.connections, 2)
        # The collector's thread is the one at nice 10, as the gateway sets it (bench/threads.py).
        collector = {tid for tid in os.listdir(f"/proc/{gateway.pid}/task") if nice(gateway.pid, tid) == 10}
        output = os.path.join(folder, "futex.txt")
        tracer = subprocess.Popen(["perf", "trace", "-s", "-e", "futex", "-p", str(gateway.pid), "-o", output],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        served = load.wrk(url, script, args.connections, args.seconds)["requests"]
        tracer.send_signal(signal.SIGINT)
        tracer.wait()
    parts = collections.defaultdict(lambda: {"calls": 0, "ms": 0.0, "max": 0.0, "threads": 0})
    part = None
    with open(output) as handle:
        for line in handle:
            if match := THREAD.match(line):
                name, tid = match.groups()
                part = "collector" if tid in collector else ("event loops" if name.startswith("NIO-SGLTN-") else None)
                if part:
                    parts[part]["threads"] += 1
            elif part and (match := ROW.match(line)):
                calls, total, longest = int(match[1]), float(match[2]), float(match[3])
                parts[part]["calls"] += calls
                parts[part]["ms"] += total
                parts[part]["max"] = max(parts[part]["max"], longest)
    result = {"req/s": served / args.seconds}
    for name in ("event loops", "collector"):
        found = parts[name]
        result[f"{name}: calls/1k req"] = found["calls"] * 1000 / max(1, served)
        result[f"{name}: ms/s"] = found["ms"] / args.seconds / max(1, found["threads"])
        result[f"{name}: max ms"] = found["max"]
    return result


runs = load.in_turn(args.binaries, args.rounds, measure, "gateway-waits.")
columns = list(runs[args.binaries[0]][0])
print(f"futex calls of the gateway's threads, median of {args.rounds} rounds ({args.connections} connections, {args.seconds} s; ms/s per thread):")
print(f"{'binary':28s} " + " ".join(f"{column:>24s}" for column in columns))
for binary in args.binaries:
    print(f"{binary:28s} " + " ".join(f"{statistics.median(run[column] for run in runs[binary]):24.2f}" for column in columns))
