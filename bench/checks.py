#!/usr/bin/env python3
"""Writes a handbook of N trivial checks, and the same commands as a list for bare spawns."""
import os, sys
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(os.path.join(out, "content"), exist_ok=True)
os.makedirs(os.path.join(out, "checks"), exist_ok=True)
with open(os.path.join(out, "content", "index.md"), "w") as f:
    f.write("# checks\n\n")
    for i in range(n):
        f.write(f"```check c{i}\n$ echo {i}\n{i}\n```\n\n")
with open(os.path.join(out, "checks", "targets.yaml"), "w") as f:
    f.write("default: local\ntargets:\n  local: {}\n")
with open(os.path.join(out, "commands.txt"), "w") as f:
    for i in range(n):
        f.write(f"echo {i}\n")
