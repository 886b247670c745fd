"""Counts the instructions that a gateway binary, and nginx as a reverse proxy, execute per request
of the load's plain chat completion, under valgrind's callgrind. An instruction count repeats to
within a fraction of a percent from run to run, where this shared machine's timings vary by
several percent, so it shows before / after changes too small for `bench/ab.py` to resolve. It
counts work, not time: a cache miss or a wake-up of the kernel costs no instruction here.

    python3 bench/instructions.py BINARY [BINARY ...] [--nginx] [--requests 400] [--connections 1] [--telemetry [--collect-ms 250]] [--metered] [--guarded] [--exported] [--streamed | --translated] [--startup] [--top 40] [--keep [--mangled]]

Each process serves one keep-alive connection, or `--connections` at once (which gives the
collector larger batches, as under load). `--requests` requests (after a warm-up) are counted, every thread of the process, user space only: the kernel's share is not in the figure.
Telemetry is off unless `--telemetry` is given: the collector wakes on a timer, and under
valgrind's slow clock the work of its wake-ups per request swings by a quarter from run to run
(134,000 to 169,000 instructions per request for one binary), where the request path alone
repeats within 0.5 %. On its 5 ms timer the collector then folds batches of about 7 traces, where
at full speed it folds 150 to 250, so its fixed cost per batch is counted some thirty times over.
`--collect-ms 250` (observability.collectIntervalMilliseconds) stretches the timer by about
valgrind's slowdown, which gives batches of 130 to 220 traces as at full speed: the collector's
count per request is then its cost at full speed, within the few per cent that the batch size
moves it. `--nginx` adds nginx-as-proxy, run in one process (`master_process off`),
as the reference. `--top N` lists the functions with the most instructions of their own, and
`--keep` keeps callgrind's dumps for `callgrind_annotate --tree=caller` (`--mangled`: with C++
names as the linker knows them, for `scripts/order.py`). `--exported` turns OTLP export on (to
the origin, which answers it); `--streamed` asks for a streamed answer, `--translated` takes the
route to an Anthropic provider, translated both ways. `--startup` counts from the process's start
through the warm-up's requests instead: what it runs to start and answer its first requests,
in all. `--threads` counts each
thread apart as well: with `--telemetry`, the event loop that serves the connection repeats
within a fraction of a percent, so what recording a trace adds to the request path is
countable, and the collector's swing is confined to the collector's own thread. With `--threads`,
`--top` lists the busiest thread's functions.

valgrind 3.19 cannot read the debug information that the Swift toolchain writes, so each gateway
binary is run from a copy without it (`strip -g`), and it must be a build of `scripts/build.sh`,
with the Swift runtime linked in: a binary that loads the toolchain's shared libraries makes
valgrind itself crash. Needs valgrind (Debian's package).
"""
import argparse, http.client, json, os, re, shutil, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load

parser = argparse.ArgumentParser()
parser.add_argument("binaries", nargs="*")
parser.add_argument("--nginx", action="store_true", help="count nginx-as-proxy too, as the reference")
parser.add_argument("--requests", type=int, default=400)
parser.add_argument("--warmup", type=int, default=100)
parser.add_argument("--connections", type=int, default=1, help="keep-alive connections the requests are shared out over, all at once")
parser.add_argument("--telemetry", action="store_true", help="with telemetry on (its count varies; see above)")
parser.add_argument("--collect-ms", type=int, default=0,
                    help="with --telemetry, the collector's interval (observability.collectIntervalMilliseconds); see above")
parser.add_argument("--metered", action="store_true")
parser.add_argument("--guarded", action="store_true")
parser.add_argument("--exported", action="store_true", help="with OTLP export on (to the origin)")
kind = parser.add_mutually_exclusive_group()
kind.add_argument("--streamed", action="store_true", help="a streamed answer")
kind.add_argument("--translated", action="store_true", help="the route to an Anthropic provider, translated both ways")
parser.add_argument("--startup", action="store_true", help="count from the start through the warm-up, in all")
parser.add_argument("--mangled", action="store_true", help="name C++ functions in the dumps as the linker does")
parser.add_argument("--keep", action="store_true", help="keep callgrind's dumps (for callgrind_annotate --tree=caller) and print where")
parser.add_argument("--top", type=int, default=0, help="also list each process's N functions with the most instructions of their own")
parser.add_argument("--threads", action="store_true", help="also count each thread apart, named by what it runs (event loop, collector)")
args = parser.parse_args()

MODEL = "gpt-4o-mini-stream" if args.streamed else "claude-bench" if args.translated else "gpt-4o-mini"
BODY = (load.REQUEST % (MODEL, ',"stream":true' if args.streamed else "")).encode()
HEADERS = {"Content-Type": "application/json", "Authorization": f"Bearer {load.KEY}"}


def send(connection, path, count):
    """Sends `count` requests over `connection`; every answer must be a 200 with a body."""
    for _ in range(count):
        connection.request("POST", path, body=BODY, headers=HEADERS)
        answer = connection.getresponse()
        body = answer.read()
        if answer.status != 200 or not body:
            sys.exit(f"request failed: {answer.status} {body[:200]!r}")


def send_all(connections, path, count):
    """Sends `count` requests, shared out over `connections`, each from a thread of its own."""
    if len(connections) == 1:
        return send(connections[0], path, count)
    failures = []

    def run(connection, share):
        try:
            send(connection, path, share)
        except BaseException as error:  # sys.exit in a thread ends only the thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(connection, count // len(connections) + (index < count % len(connections))))
               for index, connection in enumerate(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"requests failed: {failures[0]}")


def callgrind(folder, name, command):
    """Starts `command` under callgrind with instrumentation off; returns the process and its output file."""
    output = os.path.join(folder, f"callgrind.{name}.out")
    process = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--instr-atstart={'yes' if args.startup else 'no'}", f"--separate-threads={'yes' if args.threads else 'no'}",
         f"--demangle={'no' if args.mangled else 'yes'}",
         f"--callgrind-out-file={output}", *command],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return process, output


def drain(process):
    """Reads the rest of `process`'s output, so that it never blocks on a full pipe."""
    threading.Thread(target=process.stdout.read, daemon=True).start()


def measure(label, pid, output, port, path):
    """Warms up, then counts the instructions of `--requests` requests: instrumentation on, more
    warm-up (code first run under valgrind), counters zeroed, the requests, a dump. With
    `--startup`, counts from the start (instrumentation on from there) through the warm-up."""
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=120) for _ in range(args.connections)]
    send_all(connections, path, args.warmup)
    if not args.startup:
        subprocess.run(["callgrind_control", "-i", "on", str(pid)], check=True, capture_output=True)
        send_all(connections, path, args.warmup)
        subprocess.run(["callgrind_control", "-z", str(pid)], check=True, capture_output=True)
        send_all(connections, path, args.requests)
    subprocess.run(["callgrind_control", "-d", str(pid)], check=True, capture_output=True)
    for connection in connections:
        connection.close()
    # The dump is written beside the output file, numbered; each part's `summary:` is its count.
    folder, base = os.path.split(output)
    dumps = sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.startswith(base + "."))
    texts = {}
    for dump in dumps:
        with open(dump, errors="replace") as handle:
            texts[dump] = handle.read()
    counts = {dump: sum(int(line.split()[1]) for line in text.splitlines() if line.startswith("summary:")) for dump, text in texts.items()}
    total = sum(counts.values())
    requests = 1 if args.startup else args.requests
    if total == 0:
        sys.exit(f"callgrind wrote no count for process {pid}")
    if args.threads:
        print(f"{label}: instructions per request, by thread")
        for dump, count in counts.items():
            if count:
                print(f"  {thread_kind(texts[dump]):24s} {count / requests:10,.0f}  ({os.path.basename(dump)})")
    if args.top:
        # callgrind_annotate reads one dump (it takes any further file for a source to annotate):
        # with `--threads`, that of the busiest thread.
        busiest = max(counts, key=counts.get)
        print(f"{label}: the functions with the most instructions of their own, per request"
              + (f" ({thread_kind(texts[busiest])}, {os.path.basename(busiest)})" if args.threads else ""))
        listing = subprocess.run(["callgrind_annotate", "--threshold=100", busiest], capture_output=True, text=True).stdout
        rows = [line for line in listing.splitlines() if re.match(r"^\s*[\d,]+ \(", line)][1 : args.top + 1]
        for row in rows:
            count, rest = row.split(None, 1)
            print(f"  {int(count.replace(',', '')) / requests:10,.0f}  {rest[:160]}")
    return total / requests


def thread_kind(dump):
    """What a thread of the gateway runs, read from the functions in its dump."""
    for marker, kind in (("TelemetryStore", "collector"), ("OTLPExporter", "OTLP exporter"), ("SelectableEventLoop", "event loop")):
        if marker in dump:
            return kind
    return "other"


def wait_for_port(port, seconds=180):
    deadline = time.time() + seconds
    while time.time() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
        finally:
            connection.close()
    sys.exit(f"nothing listens on {port}")


def gateway(binary, index, folder, origin_port):
    folder = os.path.join(folder, f"gateway-{index}")
    os.makedirs(folder)
    copy = os.path.join(folder, "gateway")
    subprocess.run(["strip", "-g", "-o", copy, binary], check=True)
    port = load.free_port()
    config = os.path.join(folder, "gateway.yaml")
    with open(config, "w") as handle:
        handle.write(load.gateway_config(origin_port, port, load.free_port(), args.telemetry, metered=args.metered, guarded=args.guarded,
                                          exported=args.exported, collect_ms=args.collect_ms or None))
    process, output = callgrind(folder, "gateway", [copy, "serve", "--config", config, "--store", "sqlite:" + os.path.join(folder, "gateway.sqlite")])
    try:
        deadline = time.time() + 300
        while time.time() < deadline:
            line = process.stdout.readline()
            if not line or re.match(r"^gateway listening", line):
                break
        drain(process)
        wait_for_port(port)
        return measure(binary, process.pid, output, port, "/v1/chat/completions")
    finally:
        process.terminate()
        process.wait()


def nginx_proxy(folder, origin_port):
    port = load.free_port()
    proxy = os.path.join(folder, "proxy")
    os.makedirs(proxy, exist_ok=True)
    conf = os.path.join(proxy, "nginx.conf")
    with open(conf, "w") as handle:
        handle.write(load.proxy_conf(proxy, port, origin_port))
    process, output = callgrind(folder, "nginx", ["nginx", "-c", conf, "-p", proxy, "-g", "daemon off; master_process off;"])
    try:
        drain(process)
        wait_for_port(port)
        return measure("nginx as reverse proxy", process.pid, output, port, "/v1/chat/completions")
    finally:
        process.terminate()
        process.wait()


folder = tempfile.mkdtemp(prefix="gateway-instructions.")
origin_port = load.free_port()
origin = load.start_nginx(os.path.join(folder, "origin"), load.nginx_conf(os.path.join(folder, "origin"), origin_port))
try:
    time.sleep(0.5)
    results = {}
    if args.nginx:
        results["nginx as reverse proxy"] = nginx_proxy(folder, origin_port)
    for index, binary in enumerate(args.binaries):
        results[f"{binary} ({index + 1})" if args.binaries.count(binary) > 1 else binary] = gateway(binary, index, folder, origin_port)
    heading = f"instructions from the start through {args.warmup} requests (" if args.startup else f"instructions per request ({args.requests} requests, "
    print(heading + f"{'one connection' if args.connections == 1 else f'{args.connections} connections'}, "
          f"{'telemetry on' if args.telemetry else 'telemetry off'}{', metered' if args.metered else ''}{', guarded' if args.guarded else ''}"
          f"{', exported' if args.exported else ''}{', streamed' if args.streamed else ''}{', translated' if args.translated else ''}):")
    reference = results.get("nginx as reverse proxy")
    for name, count in results.items():
        ratio = f"  ({count / reference:.2f} x nginx as reverse proxy)" if reference and name != "nginx as reverse proxy" else ""
        print(f"  {name:40s} {count:12,.0f}{ratio}")
    print(json.dumps(results))
finally:
    origin.terminate()
    origin.wait()
    if args.keep:
        print(f"callgrind's dumps: {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
