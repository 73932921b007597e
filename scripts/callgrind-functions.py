#!/usr/bin/env python3
"""Instructions by function in a callgrind profile of Node, JIT frames named from V8's perf map.

Run Node under callgrind with --perf-basic-prof, then:

  valgrind --tool=callgrind --callgrind-out-file=OUT.cg node --predictable --hash-seed=1 \
    --random-seed=1 --perf-basic-prof bench/instructions.mjs --inner --server=tornado-ts \
    "--scenario=GET /" --count=60000 --minimal
  python3 scripts/callgrind-functions.py OUT.cg /tmp/perf-PID.map [N]

PID is the one valgrind prints (==PID==). Prints the N functions (default 60) with the most
instructions of their own (callees not included). V8 reuses code addresses after moving or freeing
code, so a name is the last one the map gave that address range: read the figures of a few
frames at the top, not every line.
"""
import bisect
import collections
import re
import subprocess
import sys


def main() -> None:
    profile, perf_map = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    ranges = []
    with open(perf_map) as f:
        for line in f:
            start, size, name = line.rstrip("\n").split(" ", 2)
            ranges.append((int(start, 16), int(size, 16), name))
    ranges.sort()
    starts = [r[0] for r in ranges]
    annotated = subprocess.run(
        ["callgrind_annotate", "--threshold=100", "--inclusive=no", profile],
        capture_output=True, text=True, check=True,
    ).stdout
    totals: collections.Counter[str] = collections.Counter()
    for line in annotated.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$", line)
        if not m:
            continue
        count, function = int(m.group(1).replace(",", "")), m.group(2)
        address = re.search(r"0x([0-9a-f]+)", function)
        if address and "???" in function:
            at = int(address.group(1), 16)
            i = bisect.bisect_right(starts, at) - 1
            if i >= 0 and at < ranges[i][0] + ranges[i][1]:
                function = re.sub(r"^(JS:|LazyCompile:)?[~*^+]?", "", ranges[i][2])
            else:
                function = "(JIT code not in the map)"
        else:
            function = function.split(" [")[0]
        totals[function] += count
    for function, count in totals.most_common(limit):
        print(f"{count:>15,} {function}")


if __name__ == "__main__":
    main()
