"""Makes the linker's section order that scripts/build.sh lays the release build out with
(scripts/gateway.order): the functions a request runs, hottest first, side by side at one end of
the binary's code instead of spread over its 34 MB, and after them those that only starting
runs, so that the pages of code a running gateway has touched are few.

Counts the functions that a release build executes under each of the bench's loads with
`bench/instructions.py` (callgrind: plain at one connection, then at 32 with telemetry, a
budget and limit, every input guardrail, a streamed answer, the translated Anthropic route and
OTLP export), sums each function's instructions of its own over the loads, then counts what a
gateway with all of those on runs from its start through its first requests. It writes the
sections that may hold each function (`.text.NAME`, and `.text.hot.NAME` or
`.text.unlikely.NAME` where the execution profile marked it), one per line, for gold's
`--section-ordering-file`. Every module is compiled with a section per function
(`-function-sections`, scripts/build.sh), and so are the Swift runtime and standard library
that the build links in; a section the file does not name keeps its place after them.

    python3 scripts/order.py [BINARY]    # default .build/release/gateway

scripts/profile.sh runs it on the build it makes (rerun that after a change to the request path,
and commit the file with the profile): a function that is new or renamed since is laid out
where the linker puts it by default. Some functions cannot be moved: the standard library's
internal ones, which share a section, and C code (SQLite's). Needs valgrind, nginx and wrk
(Debian's packages); takes about a minute.
"""
import collections, os, re, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build/release/gateway")
LOADS = [
    [],
    ["--telemetry", "--collect-ms", "250", "--connections", "32", "--requests", "3200"],
    ["--telemetry", "--metered"],
    ["--telemetry", "--guarded"],
    ["--telemetry", "--streamed"],
    ["--telemetry", "--translated"],
    ["--telemetry", "--exported", "--connections", "32", "--requests", "3200"],
]
STARTUP = ["--startup", "--telemetry", "--metered", "--guarded", "--exported"]


def own_costs(path):
    """Each function's instructions of its own in one callgrind dump (a call's line counts the callee's)."""
    names, costs, function, after_call = {}, collections.Counter(), None, False
    with open(path, errors="replace") as dump:
        for line in dump:
            if line.startswith(("fn=", "cfn=")):
                key, _, rest = line.rstrip("\n").partition("=")
                match = re.match(r"\((\d+)\)(?: (.*))?$", rest)
                if match and match.group(2) is not None:
                    names[match.group(1)] = match.group(2)
                name = names.get(match.group(1), "") if match else rest
                if key == "fn":
                    function = name
            elif line.startswith("calls="):
                after_call = True
            elif line[:1].isdigit() or line[:1] in "+-*":
                if after_call:
                    after_call = False
                elif function:
                    fields = line.split()
                    if len(fields) > 1 and fields[1].isdigit():
                        costs[re.sub(r"'\d+$", "", function)] += int(fields[1])
    return costs


def functions(binary):
    """The names of the functions the binary defines."""
    listing = subprocess.run(["nm", "--defined-only", binary], check=True, capture_output=True, text=True).stdout
    return {fields[2] for fields in (line.split(" ", 2) for line in listing.splitlines()) if len(fields) == 3 and fields[1] in "tTwW"}


def count(load):
    """Each function's instructions of its own under `load` (arguments of bench/instructions.py)."""
    print("counting:", " ".join(load) or "plain, one connection", flush=True)
    run = subprocess.run([sys.executable, os.path.join(root, "bench/instructions.py"), binary, "--keep", "--mangled", *load],
                         capture_output=True, text=True)
    match = re.search(r"callgrind's dumps: (\S+)", run.stdout)
    if run.returncode != 0 or not match:
        sys.exit(f"bench/instructions.py failed:\n{run.stdout}\n{run.stderr}")
    costs = collections.Counter()
    for directory, _, files in os.walk(match.group(1)):
        for name in files:
            if name.startswith("callgrind.gateway.out."):
                costs.update(own_costs(os.path.join(directory, name)))
    subprocess.run(["rm", "-rf", match.group(1)], check=True)
    return costs


requests = collections.Counter()
for load in LOADS:
    requests.update(count(load))
startup = count(STARTUP)
defined = functions(binary)
hot = [name for name, cost in requests.most_common() if cost > 0 and name in defined]
cold = [name for name, cost in startup.most_common() if cost > 0 and name in defined and name not in requests]
with open(os.path.join(root, "scripts/gateway.order"), "w") as order:
    for name in hot + cold:
        for prefix in (".text.", ".text.hot.", ".text.unlikely."):
            order.write(prefix + name + "\n")
print(f"scripts/gateway.order: {len(hot)} functions that requests run, then {len(cold)} that only starting runs")
