"""Paired A/B of two gateway binaries: both run at once in front of one nginx origin, and wrk
drives them in alternating rounds of 10 s at 32 connections (or `--connections`). The pair runs twice, the second
time with the binaries in each other's place, because on this machine the second process of a
pair can run a few percent faster whatever it is. Each pass reports the median of its rounds' own
ratios (new / old); the result is their geometric mean, which cancels the place's bias (also
printed).

    python3 bench/ab.py OLD_BINARY NEW_BINARY [--rounds 4] [--connections 32] [--stream] [--metered | --metered-both]
        [--guarded | --guarded-both] [--exported | --exported-both] [--telemetry-off]

--stream sends streamed requests (the origin answers with an SSE stream); --metered gives the new binary's key a budget and rate limits,
and --telemetry-off turns the new binary's telemetry off (with the same binary twice, these
measure budget on / off and telemetry off / on). --metered-both gives both keys a budget and
rate limits, to compare two binaries on the money path. --guarded and --guarded-both do the same with
every input guardrail (the load's prompt matches none, so each request is scanned and passes),
and --exported and --exported-both with OTLP export of every span to nginx's sink. Each pass also prints the median p50
latency of each binary, the figure to compare at `--connections 1`.
"""
import argparse, math, os, statistics, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load

parser = argparse.ArgumentParser()
parser.add_argument("old")
parser.add_argument("new")
parser.add_argument("--rounds", type=int, default=4)
parser.add_argument("--connections", type=int, default=32)
parser.add_argument("--stream", action="store_true")
parser.add_argument("--metered", action="store_true")
parser.add_argument("--metered-both", action="store_true")
parser.add_argument("--guarded", action="store_true")
parser.add_argument("--guarded-both", action="store_true")
parser.add_argument("--exported", action="store_true")
parser.add_argument("--exported-both", action="store_true")
parser.add_argument("--telemetry-off", action="store_true")
args = parser.parse_args()

folder = tempfile.mkdtemp(prefix="gateway-ab.")
origin_port = load.free_port()
origin = load.start_nginx(folder, load.nginx_conf(folder, origin_port))
script = load.wrk_script(folder, "ab", "gpt-4o-mini-stream" if args.stream else "gpt-4o-mini", args.stream)


def one_pass(order):
    """Runs the binaries started in `order` (roles, first one first); returns new / old ratios of req/s and CPU per request."""
    procs, urls = {}, {}
    try:
        for role in order:
            port = load.free_port()
            config = os.path.join(folder, f"{role}.yaml")
            with open(config, "w") as file:
                file.write(load.gateway_config(
                    origin_port, port, load.free_port(), not (args.telemetry_off and role == "new"), metered=args.metered_both or (args.metered and role == "new"),
                    guarded=args.guarded_both or (args.guarded and role == "new"),
                    exported=args.exported_both or (args.exported and role == "new")))
            load.BINARY = args.old if role == "old" else args.new
            procs[role] = load.start_gateway(config)
            urls[role] = f"http://127.0.0.1:{port}/v1/chat/completions"
        for role in order:
            load.wrk(urls[role], script, args.connections, 3)  # warm up
        results = {"old": [], "new": []}
        for index in range(args.rounds):
            for role in order if index % 2 == 0 else order[::-1]:
                result = load.wrk(urls[role], script, args.connections, 10, pid=procs[role].pid)
                results[role].append(result)
                print(f"  {index} {role}: {round(result['rps'])} req/s, {result['cpu']:.1f} us CPU per request, p50 {result['p50']:.0f} us", flush=True)
        pairs = list(zip(results["new"], results["old"]))
        rps = statistics.median(n["rps"] / o["rps"] for n, o in pairs)
        cpu = statistics.median(n["cpu"] / o["cpu"] for n, o in pairs)
        rss = {role: round(load.memory_kib(p.pid, "VmHWM") / 1024, 1) for role, p in procs.items()}
        p50 = {role: statistics.median(r["p50"] for r in results[role]) for role in results}
        print(f"  new / old: req/s {rps:.3f}, CPU per request {cpu:.3f}; p50 us {p50}; peak RSS MiB {rss}", flush=True)
        return rps, cpu
    finally:
        for process in procs.values():
            process.terminate()
            process.wait()


try:
    print("pass 1: old started first")
    rps1, cpu1 = one_pass(["old", "new"])
    print("pass 2: new started first")
    rps2, cpu2 = one_pass(["new", "old"])
    print(f"req/s new / old {math.sqrt(rps1 * rps2):.3f} (place bias {math.sqrt(rps1 / rps2):.3f})")
    print(f"CPU per request new / old {math.sqrt(cpu1 * cpu2):.3f} (place bias {math.sqrt(cpu1 / cpu2):.3f})")
finally:
    origin.terminate()
    origin.wait()
