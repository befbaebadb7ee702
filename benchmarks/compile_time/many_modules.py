#!/usr/bin/env python3
"""Layouts of many modules at compile time (issue 20, row 2).

  many_modules.py emit N [--plan] [--each] FILE
                                         writes a TU: N non-colocated modules of 2 ranks (tp=2),
                                         the last one the language module, checked by topology<>;
                                         --plan also instantiates its split plan (plan_of), which
                                         is what rank_groups instantiates; --each also walks the
                                         modules with for_each_module, at compile time
  many_modules.py measure [--cxx g++] [--include DIR] [N ...]
                                         compiles each (-fsyntax-only, the compiler's default
                                         limits) and prints one JSON line per TU: modules, plan,
                                         seconds, peak RSS (MiB), ok and the first error line
"""
import json
import os
import subprocess
import sys
import tempfile
import time


def emit(n, plan, each=False):
    lines = ["#include <hetgrid/hetgrid.hpp>", "namespace hg = hetgrid;"]
    for i in range(n):
        language = ", .language = true" if i == n - 1 else ""
        lines.append(f'using m{i} = hg::module_grid<hg::grid_spec{{.name = "m{i}", .ranks = 2, '
                     f'.tp = 2, .offset = {2 * i}{language}}}>;')
    modules = ", ".join(f"m{i}" for i in range(n))
    lines.append(f"using job = hg::topology<{2 * n}, {modules}>;")
    lines.append(f"static_assert(job::module_count == {n});")
    if plan:
        lines.append("static_assert(hg::plan_of<job>.round_count >= 1);")
    if each:
        lines.append("constexpr int walked = [] { int ranks = 0; hg::for_each_module<job>("
                     "[&](auto m) { ranks += decltype(m)::type::size; }); return ranks; }();")
        lines.append(f"static_assert(walked == {2 * n});")
    return "\n".join(lines) + "\n"


def measure(cxx, include, sizes):
    for n, plan in sizes:
        with tempfile.NamedTemporaryFile("w", suffix=".cpp", delete=False) as f:
            f.write(emit(n, plan))
        # /usr/bin/time gives each compile's own peak RSS (getrusage only the largest so far).
        start = time.monotonic()
        run = subprocess.run(["/usr/bin/time", "-f", "rss_kib=%M", cxx, "-std=c++20",
                              "-fsyntax-only", "-I", include, f.name],
                             capture_output=True, text=True)
        seconds = time.monotonic() - start
        rss = [l for l in run.stderr.splitlines() if l.startswith("rss_kib=")]
        os.unlink(f.name)
        errors = [l for l in run.stderr.splitlines() if "error:" in l]
        print(json.dumps({"bench": "compile_many_modules", "compiler": cxx, "modules": n,
                          "plan": plan, "seconds": round(seconds, 2),
                          "peak_rss_mib": round(int(rss[-1][8:]) / 1024, 1) if rss else None,
                          "ok": run.returncode == 0,
                          "error": errors[0][:200] if errors else None}), flush=True)


def main(argv):
    if len(argv) >= 3 and argv[0] == "emit":
        flags = ("--plan", "--each")
        rest = [a for a in argv[1:] if a not in flags]
        with open(rest[1], "w") as out:
            out.write(emit(int(rest[0]), "--plan" in argv, "--each" in argv))
        return 0
    if argv and argv[0] == "measure":
        cxx, include, args = "g++", os.path.join(os.path.dirname(__file__), "../../include"), argv[1:]
        while args and args[0].startswith("--"):
            if args[0] == "--cxx": cxx = args[1]
            elif args[0] == "--include": include = args[1]
            else: break
            args = args[2:]
        sizes = [(int(a.rstrip("p")), a.endswith("p")) for a in args] or \
                [(100, False), (1000, False), (5000, False), (100, True), (1000, True), (5000, True)]
        measure(cxx, include, sizes)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
