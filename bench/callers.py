"""Names the functions that make a gateway binary's reference-counting calls while it serves the
load's plain request: `perf record -g` on uprobes of the Swift runtime's calls, each call
attributed to the first caller outside the runtime. A value witness (`...wcp`, a copy; `...WOc`,
an outlined copy; `...WOh`, an outlined destroy) is followed up its chain to the function that
made the copy, which is where a copy can be avoided. Recording every call slows the gateway
several times over, so the requests it serves are fewer than `bench/refcounts.py`'s and the
collector's batches smaller; the per-request figures are for ranking callers, and
`bench/refcounts.py` gives the exact totals.

    python3 bench/callers.py BINARY [--calls swift_bridgeObjectRetain,swift_retain,__memmove_avx512_unaligned_erms] [--telemetry-off] [--stream] [--guarded] [--top 40] [--depth 1]

Needs root (uprobes); the probes are removed at the end.
"""
import argparse, collections, os, re, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("--calls", default="swift_bridgeObjectRetain")
parser.add_argument("--telemetry-off", action="store_true")
parser.add_argument("--stream", action="store_true")
parser.add_argument("--guarded", action="store_true", help="with every input guardrail on")
parser.add_argument("--top", type=int, default=40)
parser.add_argument("--depth", type=int, default=1, help="callers named beyond the first, besides copies followed")
args = parser.parse_args()

# Frames that only pass a copy along: followed up to the function that made it.
WITNESS = re.compile(r"(wcp|wxx|WOc|WOh|WOy|WOe|WOs|Wy|Wx)$")


def add_probes():
    events = []
    for function in args.calls.split(","):
        # The runtime's and the standard library's functions, or else libc's (`memmove`, `malloc`).
        lib = load.library(args.binary, "libswiftCore.so" if function.startswith(("swift_", "$s")) else "libc.so")
        event = f"callers:{function}"
        if not load.add_probe(event, lib, function):
            sys.exit(f"{lib} has no {function}")
        events.append(event)
    return events


def record(events, folder):
    """Serves the load for 2 s under `perf record`; returns the requests served and `perf script`'s text."""
    origin_port = load.free_port()
    origin = load.start_nginx(folder, load.nginx_conf(folder, origin_port))
    try:
        with load.serving(args.binary, folder, origin_port, not args.telemetry_off, guarded=args.guarded) as (gateway, url):
            script = load.wrk_script(folder, "stream", "gpt-4o-mini-stream", True) if args.stream else load.wrk_script(folder, "plain", "gpt-4o-mini", False)
            load.wrk(url, script, 4, 2)
            data = os.path.join(folder, "perf.data")
            perf = subprocess.Popen(["perf", "record", "-q", "-g", "-e", ",".join(events), "-p", str(gateway.pid), "-o", data], stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            served = load.wrk(url, script, 4, 2)["requests"]
            perf.send_signal(2)
            perf.wait()
            return served, subprocess.run(["perf", "script", "-i", data, "-F", "event,ip,sym"], capture_output=True, text=True).stdout
    finally:
        origin.terminate()
        origin.wait()


def callers(text):
    """Counts of (call, caller chain) over the samples of `perf script`'s text."""
    counts = collections.Counter()
    call, frames = None, []

    def close():
        outside = [frame for frame in frames[1:] if not frame.startswith("swift_") and "libswiftCore" not in frame]
        if call and outside:
            chain = [outside[0]]
            while WITNESS.search(chain[-1]) and len(chain) < len(outside):
                chain.append(outside[len(chain)])
            for frame in outside[len(chain) : len(chain) + args.depth - 1]:
                chain.append(frame)
            counts[(call, " <- ".join(frame[:100] for frame in chain))] += 1

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("callers:"):
            close()
            call, frames = (stripped.split(":")[1] if stripped else None), []
            continue
        parts = stripped.split(None, 1)
        frames.append((parts[1] if len(parts) > 1 else parts[0]).split("+0x")[0])
    close()
    return counts


events = add_probes()
try:
    served, text = record(events, tempfile.mkdtemp(prefix="gateway-callers."))
finally:
    load.remove_probes(events)
print(f"calls per request by caller ({'telemetry off' if args.telemetry_off else 'telemetry on'}, {served} requests served under perf):")
for (call, chain), count in callers(text).most_common(args.top):
    print(f"{count / max(1, served):8.2f}  {call:26s} {chain}")
