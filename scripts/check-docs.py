#!/usr/bin/env python3
"""Lists every public declaration under Sources/ without a `///` comment; exits non-zero if any."""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DECL = re.compile(
    r"^\s*(?:@[\w()\".:, ]+\s+)*(?:nonisolated\s+)?(?:public|open)\s+"
    r"(?:static\s+|final\s+|mutating\s+|nonisolated\s+|override\s+|convenience\s+|required\s+|indirect\s+)*"
    r"(?:func|var|let|init|struct|enum|class|protocol|case|typealias|subscript|actor)\b"
)


def main() -> int:
    missing = []
    for base, _, files in os.walk(os.path.join(ROOT, "Sources")):
        for file in sorted(files):
            if not file.endswith(".swift"):
                continue
            path = os.path.join(base, file)
            lines = open(path, encoding="utf-8").read().split("\n")
            for index, line in enumerate(lines):
                if not DECL.match(line):
                    continue
                above = index - 1
                while above >= 0 and re.match(r"^\s*@", lines[above]):
                    above -= 1
                if above < 0 or not lines[above].strip().startswith("///"):
                    missing.append(f"{os.path.relpath(path, ROOT)}:{index + 1}: public declaration without a /// comment: {line.strip()[:90]}")
    for line in missing:
        print(line, file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
