"""Load benchmark: the gateway against nginx serving fixed OpenAI answers, measured with wrk.

Runs alternate within each round so that drift on a shared machine hits every run alike:
direct to nginx (the floor no gateway can beat), nginx as a plain reverse proxy (what a second
hop costs on this machine, for reference), gateway, and each variant of the gateway (telemetry
off, a budget and rate limit, guardrails, OTLP export, streaming, a translated route) between
two runs of the plain gateway, whose mean it is compared with; then one-connection latency
direct vs proxy vs gateway. Every other round runs backwards. Medians across rounds go to
bench/RESULTS.md.
"""

import argparse
import contextlib
import datetime
import hashlib
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import urllib.request
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build", "release", "gateway")
RESULTS = os.path.join(ROOT, "bench", "RESULTS.md")
KEY = "sk-gw-bench-0123456789abcdefghijklmnop"

COMPLETION = (
    '{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",'
    '"choices":[{"index":0,"message":{"role":"assistant","content":"The quick brown fox jumps over the lazy dog."},'
    '"finish_reason":"stop"}],"usage":{"prompt_tokens":21,"completion_tokens":10,"total_tokens":31,'
    '"prompt_tokens_details":{"cached_tokens":0}}}'
)
# The same answer from Anthropic's Messages API, for the translated route.
ANTHROPIC = (
    '{"id":"msg_bench","type":"message","role":"assistant","model":"claude-sonnet-4-5",'
    '"content":[{"type":"text","text":"The quick brown fox jumps over the lazy dog."}],"stop_reason":"end_turn",'
    '"stop_sequence":null,"usage":{"input_tokens":21,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":10}}'
)
CHUNK = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"%s"},"finish_reason":null}]}'
SSE = "".join("data: %s\\n\\n" % (CHUNK % word) for word in "The quick brown fox jumps over the lazy dog .".split()) + (
    'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],'
    '"usage":{"prompt_tokens":21,"completion_tokens":10,"total_tokens":31}}\\n\\ndata: [DONE]\\n\\n'
)
REQUEST = (
    '{"model":"%s","messages":[{"role":"system","content":"You are a helpful assistant."},'
    '{"role":"user","content":"Write one sentence about foxes and dogs, please."}],"max_tokens":64,"temperature":0.2%s}'
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_http(folder, servers):
    """One nginx worker, no logs, temp files under `folder`, around `servers` (the http block's body)."""
    return f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  keepalive_requests 100000000;
{servers}
}}
"""


def nginx_conf(folder, port):
    """The origin: a fixed chat completion and a fixed SSE stream."""
    return nginx_http(folder, f"""  server {{
    listen 127.0.0.1:{port} reuseport backlog=4096;
    location = /v1/chat/completions {{ default_type application/json; return 200 '{COMPLETION}'; }}
    location = /sse/v1/chat/completions {{ default_type text/event-stream; return 200 '{SSE}'; }}
    location = /anthropic/v1/messages {{ default_type application/json; return 200 '{ANTHROPIC}'; }}
    location /otlp/v1/ {{ default_type application/x-protobuf; return 200 ''; }}
  }}""")


def proxy_conf(folder, port, upstream_port):
    """nginx as a plain keep-alive reverse proxy in front of the origin: a second hop that does no
    policy work, the reference for what any proxy costs on this machine."""
    return nginx_http(folder, f"""  upstream origin {{ server 127.0.0.1:{upstream_port}; keepalive 64; keepalive_requests 100000000; }}
  server {{
    listen 127.0.0.1:{port} reuseport backlog=4096;
    location / {{ proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }}
  }}""")


def start_nginx(folder, conf):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "nginx.conf"), "w") as handle:
        handle.write(conf)
    return subprocess.Popen(["nginx", "-c", os.path.join(folder, "nginx.conf"), "-p", folder, "-g", "daemon off;"])


def gateway_config(nginx_port, port, admin_port, telemetry, metered=False, guarded=False, exported=False, collect_ms=None):
    digest = hashlib.sha256(KEY.encode()).hexdigest()
    # Budget and rate limit high enough never to refuse: the money path runs in full on every request.
    money = "        budget: { usd: 1000000, period: monthly }\n        limits: { requestsPerMinute: 100000000 }\n" if metered else ""
    # Every input check on; the load's prompt matches none, so every request is scanned and passes.
    if guarded:
        money += ("        guardrails: { input: { pii: redact, secrets: block, promptInjection: monitor,"
                  " denyPhrases: { action: block, phrases: [project orion] } } }\n")
    return f"""
gateway:
  listen: 127.0.0.1:{port}
admin:
  listen: 127.0.0.1:{admin_port}
observability:
  enabled: {"true" if telemetry else "false"}
{f"  collectIntervalMilliseconds: {collect_ms}" + chr(10) if collect_ms else ""}{export(nginx_port) if exported else ""}providers:
  - name: nginx
    kind: openai
    baseURL: http://127.0.0.1:{nginx_port}/v1
  - name: nginx-sse
    kind: openai
    baseURL: http://127.0.0.1:{nginx_port}/sse/v1
  - name: nginx-anthropic
    kind: anthropic
    baseURL: http://127.0.0.1:{nginx_port}/anthropic/v1
orgs:
  - id: bench
    projects:
      - id: load
{money}        routes:
          - model: gpt-4o-mini
            targets: [ {{ provider: nginx, model: gpt-4o-mini }} ]
          - model: gpt-4o-mini-stream
            targets: [ {{ provider: nginx-sse, model: gpt-4o-mini }} ]
          - model: claude-bench
            targets: [ {{ provider: nginx-anthropic, model: claude-sonnet-4-5 }} ]
        keys:
          - id: bench
            sha256: "{digest}"
"""


def export(nginx_port):
    """A platform OTLP destination: nginx answering every export 200 at once."""
    return f"""  export:
    otlp:
      - {{ name: bench, endpoint: "http://127.0.0.1:{nginx_port}/otlp" }}
"""


def otlp_counts(admin_port):
    """The exporter's span counts from a gateway's /metrics, by outcome."""
    with urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/metrics", timeout=10) as response:
        text = response.read().decode()
    counts = {}
    for line in text.splitlines():
        match = re.match(r"^gateway_otlp_spans_(\w+)_total\{.*\} (\S+)$", line)
        if match:
            counts[match.group(1)] = float(match.group(2))
    return counts


def wrk_script(folder, name, model, stream):
    path = os.path.join(folder, name + ".lua")
    body = REQUEST % (model, ',"stream":true' if stream else "")
    with open(path, "w") as handle:
        handle.write(
            'wrk.method = "POST"\n'
            f"wrk.body = '{body}'\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["Authorization"] = "Bearer {KEY}"\n'
        )
    return path


UNITS = {"us": 1.0, "ms": 1000.0, "s": 1_000_000.0}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def children(pid):
    """The processes whose parent is `pid` (nginx's workers under its master)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return found


def cpu_seconds(pid):
    """User plus system CPU time of process `pid` (all its threads) and its child processes."""
    total = 0
    for process in [pid] + children(pid):
        try:
            with open(f"/proc/{process}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError):
            continue
    return total / CLOCK_TICKS


def parse_wrk(output):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {}
    for percentile, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M):
        latency[percentile] = float(value) * UNITS[unit]
    total = re.search(r"(\d+) requests in", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {"rps": rps, "p50": latency.get("50"), "p99": latency.get("99"), "requests": int(total.group(1)) if total else 0,
            "non2xx": int(errors.group(1)) if errors else 0, "socket_errors": socket_errors.group(1) if socket_errors else ""}


def wrk(url, script, connections, duration, threads=2, pid=None):
    """One wrk run; with `pid`, also the CPU time that process (and its children) spent per request, in us."""
    threads = min(threads, connections)
    before = cpu_seconds(pid) if pid else 0
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script, url],
        capture_output=True, text=True, timeout=duration + 60,
    )
    parsed = parse_wrk(result.stdout)
    parsed["cpu"] = (cpu_seconds(pid) - before) * 1e6 / parsed["requests"] if pid and parsed["requests"] else None
    if parsed["non2xx"] or parsed["socket_errors"]:
        print(f"  warning: {url}: {parsed['non2xx']} non-2xx, socket errors: {parsed['socket_errors']}", file=sys.stderr)
    return parsed


def start_gateway(config_path):
    store = "sqlite:" + os.path.splitext(config_path)[0] + ".sqlite"
    process = subprocess.Popen(
        [BINARY, "serve", "--config", config_path, "--store", store], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 30
    seen = set()
    while time.time() < deadline and len(seen) < 2:
        line = process.stdout.readline()
        match = re.match(r"^(gateway|admin) listening", line)
        if match:
            seen.add(match.group(1))
    threading.Thread(target=lambda: process.stdout.read(), daemon=True).start()
    return process


@contextlib.contextmanager
def serving(binary, folder, origin_port, telemetry=True, **options):
    """Gateway `binary` serving the bench's configuration (`options` as `gateway_config`'s) on a
    free port, in front of the origin at `origin_port`: yields the process and its chat
    completions URL, and stops it on exit."""
    global BINARY
    port = free_port()
    config = os.path.join(folder, "gateway.yaml")
    with open(config, "w") as handle:
        handle.write(gateway_config(origin_port, port, free_port(), telemetry, **options))
    BINARY = binary
    gateway = start_gateway(config)
    try:
        yield gateway, f"http://127.0.0.1:{port}/v1/chat/completions"
    finally:
        gateway.terminate()
        gateway.wait()


def binaries_parser(seconds):
    """The arguments of a script that runs gateway binaries in turn (`in_turn`): the binaries,
    `--rounds`, `--seconds` per run (`seconds` unless given) and `--connections`."""
    parser = argparse.ArgumentParser()
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=seconds)
    parser.add_argument("--connections", type=int, default=32)
    return parser


def in_turn(binaries, rounds, measure, prefix):
    """`measure(binary, origin_port, folder)` of each binary in turn, `rounds` times over, in front
    of one nginx origin, so that a slow spell of the machine falls on each: the results by binary."""
    folder = tempfile.mkdtemp(prefix=prefix)
    origin_port = free_port()
    origin = start_nginx(folder, nginx_conf(folder, origin_port))
    try:
        runs = {binary: [] for binary in binaries}
        for _ in range(rounds):
            for binary in binaries:
                runs[binary].append(measure(binary, origin_port, folder))
        return runs
    finally:
        origin.terminate()
        origin.wait()


def memory_kib(pid, field):
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = memory_kib("self", "VmRSS")
    with open("/proc/meminfo") as handle:
        memory = int(handle.readline().split()[1]) // 1024 // 1024
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0]
    return f"{os.cpu_count()} cores ({cpu}), {memory} GiB, Linux {platform.release()}; {swift}; {nginx}; {wrk_version.split(' [')[0]}"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def load(args):
    folder = tempfile.mkdtemp(prefix="gateway-bench-")
    nginx_port, proxy_port, on_port, off_port, metered_port, guarded_port, exported_port = (free_port() for _ in range(7))
    nginx = start_nginx(folder, nginx_conf(folder, nginx_port))
    proxy_folder = os.path.join(folder, "proxy-nginx")
    proxy = start_nginx(proxy_folder, proxy_conf(proxy_folder, proxy_port, nginx_port))
    configs, admin_ports = {}, {}
    for name, port, telemetry, metered, guarded, exported in [
        ("on", on_port, True, False, False, False), ("off", off_port, False, False, False, False),
        ("metered", metered_port, True, True, False, False), ("guarded", guarded_port, True, False, True, False),
        ("exported", exported_port, True, False, False, True),
    ]:
        configs[name] = os.path.join(folder, f"gateway-{name}.yaml")
        admin_ports[name] = free_port()
        with open(configs[name], "w") as handle:
            handle.write(gateway_config(nginx_port, port, admin_ports[name], telemetry, metered, guarded, exported))
    gateways = {name: start_gateway(path) for name, path in configs.items()}
    time.sleep(0.5)
    plain = wrk_script(folder, "plain", "gpt-4o-mini", False)
    stream = wrk_script(folder, "stream", "gpt-4o-mini-stream", True)
    translated = wrk_script(folder, "translated", "claude-bench", False)
    direct_url = f"http://127.0.0.1:{nginx_port}/v1/chat/completions"
    proxy_url = f"http://127.0.0.1:{proxy_port}/v1/chat/completions"
    on_url = f"http://127.0.0.1:{on_port}/v1/chat/completions"
    off_url = f"http://127.0.0.1:{off_port}/v1/chat/completions"
    metered_url = f"http://127.0.0.1:{metered_port}/v1/chat/completions"
    guarded_url = f"http://127.0.0.1:{guarded_port}/v1/chat/completions"
    exported_url = f"http://127.0.0.1:{exported_port}/v1/chat/completions"
    on, off = gateways["on"].pid, gateways["off"].pid
    # The process whose CPU time each run charges: the origin for direct runs, the proxy's nginx, the gateway.
    # Each variant of the gateway runs between two runs of the plain gateway (`gateway`, then
    # `gateway after ...`), and its ratio is taken to their mean: the machine's noise changes
    # over minutes, so runs compared with each other run next to each other, and a steady drift
    # across the three runs cancels out. Every other round runs the list backwards.
    variants = [
        ("gateway telemetry off", off_url, plain, off),
        ("gateway budget and limit", metered_url, plain, gateways["metered"].pid),
        ("gateway guardrails", guarded_url, plain, gateways["guarded"].pid),
        ("gateway otlp export", exported_url, plain, gateways["exported"].pid),
        ("gateway stream", on_url, stream, on),
        ("gateway anthropic route", on_url, translated, on),
    ]
    runs = [
        ("direct", direct_url, plain, 32, nginx.pid),
        ("nginx proxy", proxy_url, plain, 32, proxy.pid),
        ("gateway", on_url, plain, 32, on),
    ]
    assert [name for name, *_ in variants] == VARIANTS
    for name, url, script, pid in variants:
        runs += [(name, url, script, 32, pid), (f"gateway after {name}", on_url, plain, 32, on)]
    runs += [
        ("direct 1 conn", direct_url, plain, 1, nginx.pid),
        ("nginx proxy 1 conn", proxy_url, plain, 1, proxy.pid),
        ("gateway 1 conn", on_url, plain, 1, on),
    ]
    results = {name: [] for name, *_ in runs}
    try:
        for name, url, script, connections, pid in runs:  # warm up connections, caches and pools
            if not name.startswith("gateway after "):
                wrk(url, script, connections, 2)
        for round_index in range(args.rounds):
            for name, url, script, connections, pid in runs if round_index % 2 == 0 else reversed(runs):
                result = wrk(url, script, connections, args.duration, pid=pid)
                results[name].append(result)
                print(f"round {round_index + 1} {name:36s} {result['rps']:>10.0f} req/s  p50 {result['p50']:>8.1f} us  "
                      f"p99 {result['p99']:>8.1f} us  cpu {result['cpu'] or 0:>6.1f} us/req", flush=True)
        peak = {name: memory_kib(process.pid, "VmHWM") // 1024 for name, process in gateways.items()}
        time.sleep(2)  # the exporter's queue drains
        peak["otlp"] = otlp_counts(admin_ports["exported"])
        soak = run_soak(on_url, plain, gateways["on"].pid, args.soak) if args.soak else None
    finally:
        for process in gateways.values():
            process.terminate()
            process.wait(timeout=15)
        for process in (proxy, nginx):
            process.terminate()
            process.wait(timeout=15)
    write_results(results, peak, soak, args)


def soak_only(args):
    """Only the soak, appended to bench/RESULTS.md: nginx, one gateway, a warm-up, then the long run."""
    folder = tempfile.mkdtemp(prefix="gateway-soak-")
    nginx_port, port = free_port(), free_port()
    nginx = start_nginx(folder, nginx_conf(folder, nginx_port))
    config = os.path.join(folder, "gateway.yaml")
    with open(config, "w") as handle:
        handle.write(gateway_config(nginx_port, port, free_port(), True))
    gateway = start_gateway(config)
    url = f"http://127.0.0.1:{port}/v1/chat/completions"
    script = wrk_script(folder, "plain", "gpt-4o-mini", False)
    try:
        wrk(url, script, 8, 10, threads=1)
        soak = run_soak(url, script, gateway.pid, args.soak)
    finally:
        gateway.terminate()
        gateway.wait(timeout=15)
        nginx.terminate()
        nginx.wait(timeout=15)
    lines = soak_lines(soak)
    with open(RESULTS, "a") as handle:
        handle.write("\n" + "\n".join(lines))
    print("\n".join(lines))


def soak_lines(soak):
    first = soak["samples"][1] if len(soak["samples"]) > 1 else soak["samples"][0]
    last = soak["samples"][-1]
    return [
        f"## Soak ({soak['seconds']} s at 8 connections, {fmt(soak['rps'])} req/s, after a 10 s warm-up)",
        "",
        f"RSS at t={first[0]} s: {first[1]} MB; at the end (t={last[0]} s): {last[1]} MB.",
        "",
        "| t (s) | RSS (MB) |",
        "|---:|---:|",
    ] + [f"| {t} | {rss} |" for t, rss in soak["samples"]] + [""]


def run_soak(url, script, pid, seconds):
    samples = []
    done = threading.Event()

    def sample():
        start = time.time()
        while not done.is_set():
            samples.append((round(time.time() - start), memory_kib(pid, "VmRSS") // 1024))
            done.wait(10)

    sampler = threading.Thread(target=sample)
    sampler.start()
    result = wrk(url, script, 8, seconds, threads=1)
    done.set()
    sampler.join()
    return {"seconds": seconds, "rps": result["rps"], "samples": samples}


# The variants of the gateway, in the order they run, each between two runs of the plain gateway.
VARIANTS = ["gateway telemetry off", "gateway budget and limit", "gateway guardrails", "gateway otlp export",
            "gateway stream", "gateway anthropic route"]


def plain_sides(variant):
    """The runs of the plain gateway before and after `variant`'s (in a forward round)."""
    index = VARIANTS.index(variant)
    return ("gateway" if index == 0 else f"gateway after {VARIANTS[index - 1]}"), f"gateway after {variant}"


def fmt(value, digits=0):
    return "-" if value is None else f"{value:,.{digits}f}"


def write_results(results, peak, soak, args):
    m = {name: {key: median([r[key] for r in runs]) for key in ("rps", "p50", "p99", "cpu")} for name, runs in results.items()}
    otlp = peak.pop("otlp", {})
    direct, gateway, off = m["direct"], m["gateway"], m["gateway telemetry off"]
    one_direct, one_gateway = m["direct 1 conn"], m["gateway 1 conn"]
    proxy, one_proxy = m["nginx proxy"], m["nginx proxy 1 conn"]

    def paired(run, base):
        """Median of the per-round ratios: both runs of a round share that round's machine noise."""
        return median([a["rps"] / b["rps"] for a, b in zip(results[run], results[base])])

    def between(run, key="rps", inverse=False):
        """Median of a variant's per-round ratios (of `key`) to the mean of the plain gateway's
        runs on either side of it; with `inverse`, the plain runs' mean over the variant's."""
        before, after = (results[side] for side in plain_sides(run))
        ratios = []
        for variant, first, second in zip(results[run], before, after):
            if variant[key] and first[key] and second[key]:
                plain = (first[key] + second[key]) / 2
                ratios.append(plain / variant[key] if inverse else variant[key] / plain)
        return median(ratios) or 0

    def cpu_ratio(run, base):
        """Median of the per-round ratios of CPU time per request."""
        return median([a["cpu"] / b["cpu"] for a, b in zip(results[run], results[base]) if a["cpu"] and b["cpu"]] or [0])

    def added_ratio(key):
        """The gateway's added latency at one connection over nginx-as-proxy's, both over direct;
        n/a when nginx's own added latency is lost in the noise (zero or below)."""
        gateway_added, proxy_added = one_gateway[key] - one_direct[key], one_proxy[key] - one_direct[key]
        ratio = f"{gateway_added / proxy_added:.1f}" if proxy_added > 0 else "n/a"
        return f"{ratio} ({gateway_added:.1f} us / {proxy_added:.1f} us)"

    rows = [
        ("direct to nginx (32 conns)", direct, "1.00"),
        ("nginx as reverse proxy, for reference (32 conns)", proxy, f"{paired('nginx proxy', 'direct'):.3f}"),
        ("gateway (32 conns)", gateway, f"{paired('gateway', 'direct'):.3f}"),
        ("gateway, streaming (32 conns)", m["gateway stream"], f"{paired('gateway stream', 'direct'):.3f}"),
        ("gateway, chat to an anthropic provider, translated both ways (32 conns)", m["gateway anthropic route"], f"{paired('gateway anthropic route', 'direct'):.3f}"),
        ("gateway, telemetry off (32 conns)", off, f"{paired('gateway telemetry off', 'direct'):.3f}"),
        ("gateway, budget and rate limit on (32 conns)", m["gateway budget and limit"], f"{paired('gateway budget and limit', 'direct'):.3f}"),
        ("gateway, every input guardrail on (32 conns)", m["gateway guardrails"], f"{paired('gateway guardrails', 'direct'):.3f}"),
        ("gateway, OTLP export on (32 conns)", m["gateway otlp export"], f"{paired('gateway otlp export', 'direct'):.3f}"),
        ("direct to nginx (1 conn)", one_direct, "1.00"),
        ("nginx as reverse proxy, for reference (1 conn)", one_proxy, f"{paired('nginx proxy 1 conn', 'direct 1 conn'):.3f}"),
        ("gateway (1 conn)", one_gateway, f"{paired('gateway 1 conn', 'direct 1 conn'):.3f}"),
    ]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} with `bench/run.sh` "
        f"({args.rounds} rounds of {args.duration} s per run, every other round in reverse order; medians shown, and ratios as the",
        "median of the rounds' own ratios. Each variant of the gateway (telemetry off, budget, guardrails, OTLP, streaming, the",
        "translated route) runs between two runs of the plain gateway, and its ratios are to their mean: runs compared with each",
        "other run next to each other, and a steady drift across the three cancels out).",
        f"Machine: {machine()}. Load generator, nginx and gateway share the machine.",
        "",
        "## Load (wrk against nginx serving a fixed chat completion)",
        "",
        "| run | req/s | of direct | p50 | p99 | CPU per request |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, value, ratio in rows:
        lines.append(f"| {name} | {fmt(value['rps'])} | {ratio} | {fmt(value['p50'], 1)} us | {fmt(value['p99'], 1)} us | {fmt(value['cpu'], 1)} us |")
    lines += [
        "",
        "| derived | value | target |",
        "|---|---:|---:|",
        f"| throughput, gateway / nginx reverse proxy (32 conns) | {paired('gateway', 'nginx proxy'):.3f} | >= 0.85 |",
        f"| CPU per request, gateway / nginx reverse proxy (32 conns) | {cpu_ratio('gateway', 'nginx proxy'):.2f} | <= 2 |",
        f"| added latency at 1 conn, p50: gateway / nginx reverse proxy | {added_ratio('p50')} | <= 2 |",
        f"| added latency at 1 conn, p99: gateway / nginx reverse proxy | {added_ratio('p99')} | <= 3 |",
        f"| throughput, streaming / non-streamed | {between('gateway stream'):.3f} | >= 0.85 |",
        f"| throughput, telemetry on / off | {between('gateway telemetry off', inverse=True):.3f} | >= 0.97 |",
        f"| throughput, budget and rate limit on / off | {between('gateway budget and limit'):.3f} | >= 0.97 |",
        f"| throughput, every input guardrail on / off | {between('gateway guardrails'):.3f} | >= 0.90 |",
        f"| throughput, OTLP export on / off | {between('gateway otlp export'):.3f} | >= 0.97 |",
        f"| throughput, translated anthropic route / plain openai route | {between('gateway anthropic route'):.3f} | - |",
        f"| CPU per request, translated anthropic route / plain openai route | {between('gateway anthropic route', 'cpu'):.2f} | - |",
        f"| OTLP spans produced / sent / dropped / failed | {fmt(otlp.get('produced', 0))} / {fmt(otlp.get('sent', 0))} / {fmt(otlp.get('dropped', 0))} / {fmt(otlp.get('failed', 0))} | - |",
        f"| for reference, throughput gateway / direct, nginx reverse proxy / direct | {paired('gateway', 'direct'):.3f}, {paired('nginx proxy', 'direct'):.3f} | - |",
        f"| gateway peak RSS (telemetry on / off / with budget) | {peak['on']} MB / {peak['off']} MB / {peak['metered']} MB | < 64 MB |",
        "",
    ]
    if soak:
        lines += soak_lines(soak)
    with open(RESULTS, "w") as handle:
        handle.write("\n".join(lines))
    print("\n".join(lines))


def append_micro(path):
    with open(path) as handle:
        lines = handle.read().splitlines()
    # The benchmark tool prints warnings and notes (with terminal colours) before its first table heading.
    first = next((index for index, line in enumerate(lines) if line.startswith("## ")), 0)
    micro = "\n".join(lines[first:])
    with open(RESULTS, "a") as handle:
        handle.write("\n## Microbenchmarks (`Benchmarks/`, ordo-one/benchmark)\n\n" + micro.strip() + "\n")


def add_probe(event, lib, function):
    """Adds the uprobe `event` (`group:name`, replacing one of that name) at the entry of `function`
    in `lib`; whether it was added. A function that has no debug information in a file that has
    some (the Swift runtime linked into the gateway's binary) is not found by name by
    `perf probe`, so it is probed at its address, from the file's symbol table."""
    remove_probes([event])
    if subprocess.run(["perf", "probe", "-q", "-x", lib, "-a", f"{event}={function}"], capture_output=True).returncode == 0:
        return True
    address = symbol_addresses(lib).get(function)
    return address is not None and subprocess.run(["perf", "probe", "-q", "-x", lib, "-a", f"{event}=0x{address}"], capture_output=True).returncode == 0


def remove_probes(events):
    """Removes the uprobes `events` (`group:name`)."""
    for event in events:
        subprocess.run(["perf", "probe", "-q", "-d", event], capture_output=True)


_symbol_addresses = {}


def symbol_addresses(path):
    """The text symbols of the file at `path` by name, with their addresses in hex (read once)."""
    if path not in _symbol_addresses:
        table = {}
        for line in subprocess.run(["nm", "--defined-only", path], capture_output=True, text=True).stdout.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "tTwW":
                table.setdefault(parts[2], parts[0].lstrip("0") or "0")
        _symbol_addresses[path] = table
    return _symbol_addresses[path]


def library(binary, name):
    """The file that holds the functions of the library `name` (e.g. `libswiftCore.so`) for `binary`:
    the shared library it loads, or the binary itself for a Swift library linked into it
    (`scripts/build.sh` links the Swift runtime in)."""
    for line in subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if parts and parts[0].startswith(name) and len(parts) > 2:
            return parts[2]
    if name.startswith("libswift"):
        return binary
    sys.exit(f"{binary} does not load {name}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--append-micro")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("ROUNDS", 5)))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", 6)))
    parser.add_argument("--soak", type=int, default=int(os.environ.get("SOAK", 0)))
    parser.add_argument("--soak-only", action="store_true", help="run only the soak and append it to RESULTS.md")
    arguments = parser.parse_args()
    if arguments.append_micro:
        append_micro(arguments.append_micro)
    elif arguments.soak_only:
        soak_only(arguments)
    else:
        load(arguments)
