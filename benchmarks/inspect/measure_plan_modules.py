#!/usr/bin/env python3
"""`hetgrid-inspect --plan` as modules grow (issue 20, row 3): N one-rank modules, world N.

  measure_plan_modules.py N TOOL    prints one JSON line: seconds, peak RSS, exit status, lines

Each module is one `--module=NAME:...` argument; at 40,000 modules the command line passes
Linux's default argument limit, so run it under `ulimit -s unlimited` (the limit is a quarter
of the stack's).
"""
import json
import resource
import subprocess
import sys
import time


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    n, tool = int(argv[0]), argv[1]
    args = [tool, "--world", str(n)]
    for i in range(n):
        args.append(f"--module=m{i}:ranks=1,offset={i}" + (",language" if i == n - 1 else ""))
    args.append("--plan")
    start = time.monotonic()
    run = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seconds = time.monotonic() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"bench": "inspect_plan_modules", "modules": n, "world": n,
                      "seconds": round(seconds, 2), "peak_rss_mib": round(rss, 1),
                      "exit": run.returncode, "stdout_lines": run.stdout.count(b"\n"),
                      "stderr": run.stderr[:200].decode(errors="replace")}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
