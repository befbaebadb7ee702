#!/usr/bin/env python3
# Peak RSS (wait4), wall time and output bytes of hetgrid-inspect on hostile inputs: huge worlds
# under --json, sizes whose products wrap 32 bits, 40,000 modules. One JSON line per case
# (BENCHMARKS.md, "Hostile input"). Usage: measure_hostile_inputs.py PATH/TO/hetgrid-inspect
import os, subprocess, sys, time, json
if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
    sys.exit(f"measure_hostile_inputs.py: usage: measure_hostile_inputs.py HETGRID_INSPECT "
             f"(got {sys.argv[1:]!r}, not one executable)")
tool = sys.argv[1]
def run(args, label):
    t0 = time.perf_counter()
    p = subprocess.Popen([tool] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    n = 0
    while True:
        b = p.stdout.read(1 << 20)
        if not b: break
        n += len(b)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    print(json.dumps({"case": label, "exit": os.waitstatus_to_exitcode(status),
                      "seconds": round(dt, 3),
                      "peak_rss_mib": round(ru.ru_maxrss / 1024, 1), "stdout_bytes": n,
                      "stderr": err.decode(errors="replace").strip()[:160]}), flush=True)
for w in (10**8, 10**9):
    one = ["--world", str(w), "--module", f"language:ranks={w},tp=8,language"]
    run(one + ["--rank", "0", "--json"], f"--rank 0 --json, world {w}, tp=8")
    run(one + ["--json"], f"--json, world {w}, tp=8")
run(["--world", "1", "--module", "language:ranks=1,tp=65536,cp=65536"], "product wraps 32 bits")
run(["--world", "1", "--module", "language:ranks=1,tp=641,cp=6700417,expt_tp=1"],
    "product wraps to 1")
n = 40000
mods = []
for i in range(n):
    mods += ["--module", f"m{i}:ranks=1,offset={i}" + (",language" if i == n - 1 else "")]
run(["--world", str(n)] + mods, f"{n} modules, valid (table)")
bad = list(mods); bad[2 * 20000 + 1] = "m20000:ranks=2,offset=19999"
run(["--world", str(n)] + bad, f"{n} modules, one overlap")
