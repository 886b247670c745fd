"""Runs an instrumented gateway binary (the build that `scripts/profile.sh` makes) under the bench's
loads, so that its raw profiles can be merged into the profile the release build is optimised
with (`scripts/profile.sh` does both). Each variant of `bench/run.sh` (plain, telemetry
off, budget and rate limit, every input guardrail, OTLP export, streaming, the Anthropic route)
runs for a few seconds at 32 connections and at one, in front of nginx's fixed answers, so the
profile weighs each path as the benchmarks do.

    python3 bench/train.py BINARY PROFILE_FOLDER [--seconds 4]

Needs nginx and wrk (Debian's packages).
"""
import argparse, os, shutil, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("profiles", help="folder the raw profiles are written to")
parser.add_argument("--seconds", type=int, default=4)
args = parser.parse_args()

folder = tempfile.mkdtemp(prefix="gateway-train-")
origin_port = load.free_port()
origin = load.start_nginx(folder, load.nginx_conf(folder, origin_port))
plain = load.wrk_script(folder, "plain", "gpt-4o-mini", False)
stream = load.wrk_script(folder, "stream", "gpt-4o-mini-stream", True)
translated = load.wrk_script(folder, "translated", "claude-bench", False)
os.makedirs(args.profiles, exist_ok=True)
# One raw profile per process (`%p`), written when it exits.
os.environ["LLVM_PROFILE_FILE"] = os.path.join(os.path.abspath(args.profiles), "gateway-%p.profraw")
variants = [
    ("telemetry on", dict(), [plain, stream, translated]),
    ("telemetry off", dict(telemetry=False), [plain]),
    ("budget and limit", dict(metered=True), [plain, stream]),
    ("guardrails", dict(guarded=True), [plain, stream]),
    ("otlp export", dict(exported=True), [plain]),
]
try:
    time.sleep(0.5)
    for name, options, scripts in variants:
        gateway_folder = os.path.join(folder, name.replace(" ", "-"))
        os.makedirs(gateway_folder)
        with load.serving(args.binary, gateway_folder, origin_port, **options) as (gateway, url):
            time.sleep(0.5)
            for script in scripts:
                for connections in (32, 1):
                    result = load.wrk(url, script, connections, args.seconds)
                    print(f"{name:18s} {os.path.basename(script):16s} {connections:>2} conn {result['rps']:>8.0f} req/s", flush=True)
finally:
    origin.terminate()
    origin.wait(timeout=15)
    shutil.rmtree(folder, ignore_errors=True)
profiles = [name for name in os.listdir(args.profiles) if name.endswith(".profraw")]
if len(profiles) < len(variants):
    sys.exit(f"expected a raw profile from each of {len(variants)} gateways, found {len(profiles)} in {args.profiles}")
