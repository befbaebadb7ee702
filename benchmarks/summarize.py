#!/usr/bin/env python3
"""Summarizes benchmark JSON lines from stdin: per (bench, path, world), the median and range of
create_s, first_collective_s and total_s over all lines, and the same for first iterations."""
import json
import statistics
import sys
from collections import defaultdict

rows = defaultdict(list)
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("{"):
        continue
    d = json.loads(line)
    rows[(d.get("bench"), d.get("path") + (":" + d["variant"] if "variant" in d else ""), d.get("world"))].append(d)

for (bench, path, world), ds in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1])):
    out = {"bench": bench, "path": path, "world": world, "samples": len(ds)}
    for field in ("groups", "communicators", "created", "split_calls", "nccl"):
        if field in ds[0]:
            out[field] = ds[0][field]
    for field in ("create_s", "first_collective_s", "total_s", "groups_mib", "world_init_s", "world_mib"):
        values = [d[field] for d in ds if field in d]
        if values:
            out[field + "_median"] = round(statistics.median(values), 6)
            out[field + "_min"] = round(min(values), 6)
            out[field + "_max"] = round(max(values), 6)
    firsts = [d["total_s"] for d in ds if d.get("iteration") == 0 and "total_s" in d]
    if firsts:
        out["first_iteration_total_s_median"] = round(statistics.median(firsts), 6)
    print(json.dumps(out))
