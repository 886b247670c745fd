"""Paired A/B of two gateway binaries: both run at once in front of one nginx origin, and wrk
drives them in alternating rounds of 10 s at 32 connections. Prints each round, the medians, and
the medians of the rounds' own ratios (new / old), which hold up on a noisy machine where single
rounds move by up to 10 %.

    python3 bench/ab.py OLD_BINARY NEW_BINARY [--rounds 4] [--stream] [--metered]

--stream sends streamed requests; --metered gives the new binary's key a budget and rate limits
(with the same binary twice, that measures budget on / off).
"""
import argparse, os, statistics, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load

parser = argparse.ArgumentParser()
parser.add_argument("old")
parser.add_argument("new")
parser.add_argument("--rounds", type=int, default=4)
parser.add_argument("--stream", action="store_true")
parser.add_argument("--metered", action="store_true")
args = parser.parse_args()

folder = tempfile.mkdtemp(prefix="gateway-ab.")
origin_port = load.free_port()
origin = load.start_nginx(folder, load.nginx_conf(folder, origin_port))
procs, urls = {}, {}
try:
    for name, binary in (("old", args.old), ("new", args.new)):
        port = load.free_port()
        config = os.path.join(folder, f"{name}.yaml")
        with open(config, "w") as file:
            file.write(load.gateway_config(origin_port, port, load.free_port(), True, metered=args.metered and name == "new"))
        load.BINARY = binary
        procs[name] = load.start_gateway(config)
        urls[name] = f"http://127.0.0.1:{port}/v1/chat/completions"
    script = load.wrk_script(folder, "ab", "gpt-4o-mini", args.stream)
    for name in procs:
        load.wrk(urls[name], script, 32, 3)  # warm up
    results = {"old": [], "new": []}
    for index in range(args.rounds):
        for name in ["old", "new"] if index % 2 == 0 else ["new", "old"]:
            result = load.wrk(urls[name], script, 32, 10, pid=procs[name].pid)
            results[name].append(result)
            print(index, name, round(result["rps"]), "req/s", f'{result["cpu"]:.1f} us/req', flush=True)
    for name, runs in results.items():
        print(name, "req/s", statistics.median(r["rps"] for r in runs), "CPU us/req", round(statistics.median(r["cpu"] for r in runs), 2))
    pairs = list(zip(results["new"], results["old"]))
    print("req/s new / old", round(statistics.median(n["rps"] / o["rps"] for n, o in pairs), 3))
    print("CPU per request new / old", round(statistics.median(n["cpu"] / o["cpu"] for n, o in pairs), 3))
    for name, process in procs.items():
        print(name, "peak RSS MiB", round(load.memory_kib(process.pid, "VmHWM") / 1024, 1))
finally:
    for process in procs.values():
        process.terminate()
        process.wait()
    origin.terminate()
    origin.wait()
