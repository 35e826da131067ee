#!/usr/bin/env python3
"""Top frames of a JFR recording's execution samples: self (top frame) and total (anywhere in the
stack, counted once per sample), optionally only frames whose name contains a filter.
Usage: scripts/jfr-top.py FILE.jfr [N] [FILTER]"""
import collections, re, subprocess, sys

path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 25
flt = sys.argv[3] if len(sys.argv) > 3 else ""
out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", path],
                     capture_output=True, text=True, check=True).stdout
self_c, total_c, samples = collections.Counter(), collections.Counter(), 0
for ev in out.split("jdk.ExecutionSample")[1:]:
    frames = re.findall(r"^\s+([\w$.<>/]+)\(.*?line:", ev, re.M)
    if not frames:
        continue
    samples += 1
    self_c[frames[0]] += 1
    for f in set(frames):
        total_c[f] += 1
print(f"samples={samples}")
print("-- self")
for f, c in self_c.most_common(n):
    print(f"{100.0 * c / samples:5.1f}% {f}")
print("-- total" + (f" (containing {flt})" if flt else ""))
for f, c in [x for x in total_c.most_common() if flt in x[0]][:n]:
    print(f"{100.0 * c / samples:5.1f}% {f}")
