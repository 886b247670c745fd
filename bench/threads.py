"""CPU time per request by thread of gateway binaries under the load's plain request: the event
loops', the telemetry collector's and, with `--exported`, the OTLP exporter's, from each
thread's utime and stime in /proc, at 32 connections; and the event loops' context switches
per request, voluntary (a wait for work) and involuntary (the thread pre-empted, often by the
reader its write just woke), from each thread's /proc status. The collector's and exporter's
threads are told apart by their nice values (10 and 19), which the gateway sets, rather than by
their NIO group's number, which depends on which starts first. The binaries run in turn,
`--rounds` times, so a slow spell of the machine falls on each; the medians are reported. The
event loops' time is also given apart as user and system time. With `--metered`, each binary
runs twice a round, without and then with a budget and a rate limit on the load's key, so that
what the money path adds reads side by side, by thread.

    python3 bench/threads.py BINARY [BINARY ...] [--rounds 3] [--seconds 8] [--connections 32] [--telemetry-off | --exported] [--metered]
"""
import collections, os, statistics, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load

parser = load.binaries_parser(seconds=8)
parser.add_argument("--telemetry-off", action="store_true")
parser.add_argument("--exported", action="store_true", help="with OTLP export on, to nginx answering every export at once")
parser.add_argument("--metered", action="store_true", help="also run each binary under a budget and a rate limit, in turn with it plain")
args = parser.parse_args()


def thread_ticks(pid):
    """CPU clock ticks by kind of thread (`kind`), and the event loops' user and system ticks apart."""
    ticks = collections.Counter()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as handle:
                text = handle.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        part = kind(name, int(fields[16]))
        ticks[part] += int(fields[11]) + int(fields[12])
        if part == "event loops":
            ticks["loops, user"] += int(fields[11])
            ticks["loops, system"] += int(fields[12])
    return ticks


def loop_switches(pid):
    """Voluntary and involuntary context switches of the event-loop threads, summed."""
    switches = collections.Counter()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/status") as handle:
                fields = dict(line.split(":", 1) for line in handle if ":" in line)
        except OSError:
            continue
        if kind(fields["Name"].strip(), 0) == "event loops":
            switches["switches, voluntary"] += int(fields["voluntary_ctxt_switches"])
            switches["switches, involuntary"] += int(fields["nonvoluntary_ctxt_switches"])
    return switches


def kind(name, nice):
    """The part of the gateway a thread of `name` and nice value `nice` is."""
    if nice == 10:
        return "collector"
    if nice == 19:
        return "exporter"
    if name.startswith("NIO-SGLTN-"):
        return "event loops"
    return "other"


PARTS = ("event loops", "loops, user", "loops, system", "collector", "exporter", "other")


def measure(run, origin_port, folder):
    binary, metered = run
    with load.serving(binary, folder, origin_port, not args.telemetry_off, exported=args.exported, metered=metered) as (gateway, url):
        script = load.wrk_script(folder, "plain", "gpt-4o-mini", False)
        load.wrk(url, script, args.connections, 2)
        before, switched = thread_ticks(gateway.pid), loop_switches(gateway.pid)
        served = load.wrk(url, script, args.connections, args.seconds)["requests"]
        after, switches = thread_ticks(gateway.pid), loop_switches(gateway.pid)
        switches.subtract(switched)
        used = collections.Counter({part: after[part] - before.get(part, 0) for part in after})
        return (
            {part: used[part] / load.CLOCK_TICKS * 1e6 / max(1, served) for part in PARTS}
            | {"req/s": served / args.seconds} | {name: count / max(1, served) for name, count in switches.items()}
        )


variants = [(binary, metered) for binary in args.binaries for metered in ([False, True] if args.metered else [False])]
runs = load.in_turn(variants, args.rounds, measure, "gateway-threads.")
columns = ["req/s", *PARTS, "switches, voluntary", "switches, involuntary"]
mode = "telemetry off" if args.telemetry_off else ("OTLP export on" if args.exported else "telemetry on")
print(f"CPU us per request by thread, median of {args.rounds} rounds ({mode}, {args.connections} connections, {args.seconds} s):")
print(f"{'binary':40s} " + " ".join(f"{column.replace('switches, ', 'sw. '):>13s}" for column in columns))
for binary, metered in variants:
    label = binary + (" (budget)" if metered else "")
    print(f"{label:40s} " + " ".join(
        f"{statistics.median(run[column] for run in runs[(binary, metered)]):13.{3 if column.startswith('switches') else 2}f}" for column in columns))
