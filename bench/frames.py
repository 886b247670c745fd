"""Lists the frame size of each async function in a gateway binary: what a call to it takes from
its task's allocator. The task allocator hands out slabs of 984 bytes, so a frame larger than
that takes a slab of its own, one malloc (beyond glibc's per-thread cache, which ends at 1 KB)
per call, and a request's frames add up to the slabs its task allocates. Read from the binary,
without running it: each async function has an "async function pointer" record (its symbol
ends in `Tu`) holding the size of its context.

    python3 bench/frames.py BINARY [PATTERN] [--top 40]

PATTERN is a regular expression matched against the demangled names (`Forwarder|DataPlane`).
"""
import argparse, re, struct, subprocess

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("pattern", nargs="?", default=".")
parser.add_argument("--top", type=int, default=40)
args = parser.parse_args()

symbols = []
for line in subprocess.run(["nm", "--defined-only", args.binary], capture_output=True, text=True, check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[2].endswith("Tu"):
        symbols.append((int(parts[0], 16), parts[2]))
names = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(name for _, name in symbols),
                       capture_output=True, text=True, check=True).stdout.splitlines()

# Where each section's addresses are in the file.
sections = []
for line in subprocess.run(["readelf", "-S", "-W", args.binary], capture_output=True, text=True, check=True).stdout.splitlines():
    match = re.match(r"\s*\[\s*\d+\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
    if match:
        sections.append(tuple(int(group, 16) for group in match.groups()))

with open(args.binary, "rb") as handle:
    data = handle.read()
pattern = re.compile(args.pattern)
rows = []
for (address, _), name in zip(symbols, names):
    if not pattern.search(name):
        continue
    for start, offset, size in sections:
        if start <= address < start + size:
            # The record: a relative pointer to the function (Int32), then the context's size (UInt32).
            _, context = struct.unpack_from("<iI", data, offset + address - start)
            rows.append((context, name.replace("async function pointer to ", "")))
            break
for context, name in sorted(rows, reverse=True)[:args.top]:
    print(f"{context:>7}  {name}")
