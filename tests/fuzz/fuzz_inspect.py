#!/usr/bin/env python3
"""Hostile command lines for hetgrid-inspect, checked against a model of docs/CONTRACT.md sections 1, 2 and 5.

Each run generates --count command lines from a fixed seed and --count more from a seed that
changes every run (printed, so a failure can be replayed with --seed). Each is run and checked:
  - no signal, and the exit status the model predicts (0 printed, 2 bad input, 1 unwritable);
  - bad input or an unwritable --svg file: nothing on stdout, exactly one line on stderr,
    `hetgrid-inspect: KIND: message`,
    with the model's KIND, printable (valid UTF-8, no control or invisible character);
  - --json: valid JSON, and for small layouts exactly the groups of docs/CONTRACT.md section 2;
  - --svg: a well-formed XML document whose root is <svg>;
  - tables, JSON and SVG: valid UTF-8 without control or invisible characters (no terminal
    escapes, no bidi reordering), and the whole table names each module in its escaped form;
  - peak RSS below --max-rss-mib (64 MiB), measured by wait4, under an address-space limit.

The model is written from docs/CONTRACT.md, not from the tool's code: a second opinion.
Usage: fuzz_inspect.py --inspect PATH [--count N] [--seed S] [--no-gtp-remat] [--sanitized]
  --no-gtp-remat: the library does not have the gtp_remat dims yet (the contract's keys gtp_remat and
  expt_gtp_remat are then unknown keys, and the twelve group kinds of before are expected).
"""
import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
import xml.etree.ElementTree as ElementTree

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
MAX_NAME = 31
SVG_MAX_RANKS = 65536  # the tool draws at most this many ranks (a usage error beyond)

# docs/CONTRACT.md section 2: (view, dims) per group kind, in the contract's table order.
BASE_DIMS = ["tp", "gtp_remat", "cp", "dp", "pp"]
EXPERT_DIMS = ["expt_tp", "ep", "expt_gtp_remat", "expt_dp", "pp"]
KINDS_GTP = {
    "tp": ("base", {"tp"}),
    "gtp_remat": ("base", {"gtp_remat"}),
    "cp": ("base", {"cp"}),
    "pp": ("base", {"pp"}),
    "dp": ("base", {"dp"}),
    "dp_cp": ("base", {"dp", "cp"}),
    "dp_cp_gtp_remat": ("base", {"gtp_remat", "dp", "cp"}),
    "tp_cp": ("base", {"tp", "cp"}),
    "tp_dp": ("base", {"tp", "gtp_remat", "dp"}),
    "tp_dp_cp": ("base", {"tp", "gtp_remat", "dp", "cp"}),
    "mp": ("base", {"tp", "gtp_remat", "pp"}),
    "intra_dist_opt": ("base", set(BASE_DIMS)),
    "ep": ("expert", {"ep"}),
    "expt_tp": ("expert", {"expt_tp"}),
    "expt_gtp_remat": ("expert", {"expt_gtp_remat"}),
    "expt_dp": ("expert", {"expt_dp"}),
    "expt_dp_gtp_remat": ("expert", {"expt_gtp_remat", "expt_dp"}),
    "tp_ep": ("expert", {"expt_tp", "ep"}),
    "tp_ep_pp": ("expert", {"expt_tp", "ep", "pp"}),
    "tp_ep_pp_with_egtp_remat": ("expert", {"expt_tp", "ep", "expt_gtp_remat", "pp"}),
}
KINDS_BEFORE_GTP = {k: KINDS_GTP[k] for k in
                    ["tp", "cp", "pp", "dp", "dp_cp", "tp_cp", "mp", "ep", "expt_tp", "expt_dp",
                     "tp_ep", "tp_ep_pp"]}


class Model:
    def __init__(self, gtp):
        self.gtp = gtp
        self.kinds = KINDS_GTP if gtp else KINDS_BEFORE_GTP
        self.int_keys = ["ranks", "tp", "cp", "pp", "ep", "expt_tp", "offset"]
        if gtp:
            self.int_keys += ["gtp_remat", "expt_gtp_remat"]

    # ---- docs/CONTRACT.md section 5: the command line. Returns ("ok", request) or (kind, None). ----
    @staticmethod
    def parse_int(text):
        # Decimal digits, '-' only on a negative value ("-0" is refused, as "+0" is).
        if not re.fullmatch(rb"-?[0-9]+", text) or re.fullmatch(rb"-0+", text):
            return None
        value = int(text)
        return value if INT_MIN <= value <= INT_MAX else None

    def parse_module(self, text):
        if b":" not in text:
            return "usage", None
        name, rest = text.split(b":", 1)
        if len(name) > MAX_NAME:
            return "names", None
        try:
            name.decode("utf-8", "strict")
        except UnicodeDecodeError:
            return "names", None
        module = {"name": name, "language": False, "given": {}}
        if rest == b"":
            return "ok", module
        items = rest.split(b",")
        for n, item in enumerate(items):
            if item == b"" and n == len(items) - 1 and n > 0:
                return "usage", None  # trailing comma
            key, eq, value = item.partition(b"=")
            if key == b"":
                return "usage", None
            if key in module["given"] or (key == b"language" and module["language"]):
                return "usage", None
            if key == b"language":
                if eq:
                    return "usage", None
                module["language"] = True
                continue
            if key.decode("latin-1") not in self.int_keys:
                return "usage", None
            if not eq:
                return "usage", None
            number = self.parse_int(value)
            if number is None:
                return "usage", None
            module["given"][key] = number
        return "ok", module

    def parse(self, args):
        req = {"world": None, "modules": [], "json": False, "rank": None, "svg": None,
               "plan": False}
        i = 0
        while i < len(args):
            arg = args[i]
            flag, inline = arg, None
            if arg.startswith(b"--") and b"=" in arg:
                flag, inline = arg.split(b"=", 1)
            if flag in (b"--help", b"-h"):
                return "help", None
            if flag in (b"--json", b"--plan"):
                if inline is not None:
                    return "usage", None
                req[flag[2:].decode()] = True
                i += 1
                continue
            if flag not in (b"--world", b"--rank", b"--module", b"--svg"):
                return "usage", None
            if inline is None:
                if i + 1 >= len(args):
                    return "usage", None
                value = args[i + 1]
                i += 2
            else:
                value = inline
                i += 1
            if flag == b"--svg":
                if req["svg"] is not None or value == b"":
                    return "usage", None
                req["svg"] = value
            elif flag == b"--module":
                kind, module = self.parse_module(value)
                if kind != "ok":
                    return kind, None
                req["modules"].append(module)
            else:
                number = self.parse_int(value)
                if number is None:
                    return "usage", None
                key = "world" if flag == b"--world" else "rank"
                if req[key] is not None:
                    return "usage", None
                req[key] = number
        if req["world"] is None or not req["modules"]:
            return "usage", None
        if req["rank"] is not None and not 0 <= req["rank"] < req["world"]:
            return "usage", None
        return "ok", req

    # ---- docs/CONTRACT.md section 1: the rules, first broken one in the contract's order. ----
    def resolve(self, m):
        g = m["given"]
        s = {"name": m["name"], "language": m["language"]}
        for key in self.int_keys:
            s[key] = g.get(key.encode(), 0 if key in ("ranks", "offset") else 1)
        s["expt_tp_zero"] = g.get(b"expt_tp") == 0
        s["expt_tp"] = g.get(b"expt_tp", s["tp"]) or s["tp"]
        if not self.gtp:
            s["gtp_remat"] = s["expt_gtp_remat"] = 1
        if b"ranks" not in g:
            s["ranks"] = 0
        return s

    def check(self, world, specs):
        if sum(1 for s in specs if s["language"]) != 1:
            return "language"
        names = [s["name"] for s in specs]
        if len(set(names)) != len(names):
            return "names"
        if world < 1:
            return "positive"
        for s in specs:
            sizes = ["ranks", "tp", "cp", "pp", "ep", "expt_tp", "gtp_remat", "expt_gtp_remat"]
            if (any(s[k] < 1 for k in sizes) or s["expt_tp_zero"] or s["offset"] < 0
                    or s["name"] == b""):
                return "positive"
            dense = s["tp"] * s["gtp_remat"] * s["cp"] * s["pp"]
            expert = s["expt_tp"] * s["ep"] * s["expt_gtp_remat"] * s["pp"]
            if s["ranks"] % dense or s["ranks"] % expert:
                return "divisible"
            if s["offset"] + s["ranks"] > world:
                return "world"
        spans = [(s["offset"], s["ranks"]) for s in specs]
        if len(set(spans)) == 1:  # colocated: the one span must be the world
            return None if spans[0] == (0, world) else "partition"
        ends = sorted((o, o + r) for o, r in spans)
        if any(ends[k][1] > ends[k + 1][0] for k in range(len(ends) - 1)):
            return "disjoint"
        covered = sum(r for _, r in spans)
        return None if covered == world else "partition"

    # ---- docs/CONTRACT.md section 2: groups, straight from the definition. ----
    @staticmethod
    def sizes(s, view):
        dp = s["ranks"] // (s["tp"] * s["gtp_remat"] * s["cp"] * s["pp"])
        edp = s["ranks"] // (s["expt_tp"] * s["ep"] * s["expt_gtp_remat"] * s["pp"])
        if view == "base":
            return dict(tp=s["tp"], gtp_remat=s["gtp_remat"], cp=s["cp"], dp=dp, pp=s["pp"])
        return dict(expt_tp=s["expt_tp"], ep=s["ep"], expt_gtp_remat=s["expt_gtp_remat"],
                    expt_dp=edp, pp=s["pp"])

    def coords(self, s, view, rank):
        local, out, stride = rank - s["offset"], {}, 1
        for dim, size in self.sizes(s, view).items():
            out[dim] = (local // stride) % size
            stride *= size
        return out

    def groups(self, s, kind):
        view, dims = self.kinds[kind]
        found = {}
        for r in range(s["offset"], s["offset"] + s["ranks"]):
            c = self.coords(s, view, r)
            found.setdefault(tuple(v for d, v in c.items() if d not in dims), []).append(r)
        return sorted(found.values(), key=lambda g: g[0])

    def embd(self, s):
        pp_groups = self.groups(s, "pp")
        return ([[p[0]] if len(p) == 1 else [p[0], p[-1]] for p in pp_groups],
                [[p[0]] for p in pp_groups])


# ---- generation ----
NUMBERS = [b"0", b"1", b"2", b"3", b"4", b"8", b"-1", b"-0", b"007", b"+4", b" 4", b"4 ", b"0x10",
           b"1e3", b"", b"-", b"2147483647", b"2147483648", b"-2147483648", b"-2147483649",
           b"4294967296", b"9223372036854775808", b"65536", b"65537", b"641", b"6700417",
           b"46341", b"1073741824", b"99999999999999999999", b"\xff", b"\xd9\xa3"]
NAME_BYTES = [b"a", b"z", b"_", b"-", b"\\", b'"', b"'", b"<", b">", b"&", b"\x01", b"\x1b",
              b"\x1b[31m", b"\x0b", b"\t", b"\n", b"\r", b"\x7f", b"\xc2\x9b", b"\xc3\xa9",
              b"\xe2\x80\xae", b"\xef\xbf\xbe", b"\xf0\x9f\x98\x80", b"\xff", b"\xfe", b"\xc0\xaf",
              b"\xed\xa0\x80", b"\xe2\x82", b",", b"=", b" ", b"]]>", b"%", b"&amp;"]
# Invisible and reordering characters, escaped like control bytes (issue 20, row 4): bidi
# embeddings, overrides, isolates and marks, zero-width characters, the soft hyphen, line and
# paragraph separators, a variation selector, a tag, a C1 control; and visible look-alikes that
# print as themselves (no-break space, e acute).
INVISIBLE = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
             "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060",
             "\ufeff", "\u00ad", "\u2028", "\u2029", "\ufe0f", "\U000e0041", "\u0085"]
NAME_BYTES += [c.encode("utf-8") for c in INVISIBLE] + [b"\xc2\xa0", b"e\xcc\x81"]
KEYS = [b"ranks", b"tp", b"cp", b"pp", b"ep", b"expt_tp", b"offset", b"gtp_remat",
        b"expt_gtp_remat", b"language", b"colour", b"Tp", b"", b"dp"]


def random_name(rng):
    pick = rng.random()
    if pick < 0.45:
        return rng.choice([b"images", b"language", b"audio", b"lm", b"a", b"b"])
    if pick < 0.55:
        return b"n" * rng.choice([0, 1, 30, 31, 32, 33, 100])
    if pick < 0.6:
        return b"\xc3\xa9" * rng.choice([15, 16])  # 30 or 32 bytes of 15 or 16 characters
    return b"".join(rng.choice(NAME_BYTES) for _ in range(rng.randint(1, 6)))


def valid_layout(rng, gtp, max_world):
    """A layout that keeps every rule (the model decides; mutations may break it)."""
    def factors(ranks):
        spec, rest = {}, ranks
        dims = ["tp", "cp", "pp"] + (["gtp_remat"] if gtp else [])
        rng.shuffle(dims)
        for d in dims:
            options = [f for f in range(1, rest + 1) if rest % f == 0]
            f = rng.choice(options[:6])
            if f > 1:
                spec[d] = f
                rest //= f
        per_pp = ranks // spec.get("pp", 1)
        options = [f for f in range(1, per_pp + 1) if per_pp % f == 0][:5]
        if rng.random() < 0.5:
            spec["ep"] = rng.choice(options)
        if rng.random() < 0.4:
            left = per_pp // spec.get("ep", 1)
            spec["expt_tp"] = rng.choice([f for f in range(1, left + 1) if left % f == 0][:4])
        return spec

    colocated = rng.random() < 0.3
    count = rng.choice([1, 1, 2, 2, 3, 4])
    modules, offset = [], 0
    names = rng.sample([b"images", b"language", b"audio", b"video", b"lm", b"x"], count)
    world = rng.choice([1, 2, 4, 6, 8, 12, 16, 32, 64]) if max_world <= 64 else max_world
    for n in range(count):
        ranks = world if colocated else max(1, world // count)
        if not colocated and n == count - 1:
            ranks = world - offset
        if ranks < 1:
            break
        spec = factors(ranks)
        spec["ranks"] = ranks
        if not colocated and offset:
            spec["offset"] = offset
        offset += 0 if colocated else ranks
        modules.append([names[n], spec])
    modules[rng.randrange(len(modules))][1]["language"] = True
    return world, modules


def module_text(name, spec, rng):
    items = []
    for key, value in spec.items():
        if key == "language":
            items.append(b"language")
        else:
            items.append(key.encode() + b"=" + str(value).encode())
    rng.shuffle(items)
    return name + b":" + b",".join(items)


def mutate(rng, args):
    """One hostile change to an argument list."""
    args = list(args)
    choice = rng.randrange(12)
    module_at = [i for i, a in enumerate(args) if i > 0 and args[i - 1] == b"--module"]
    if choice < 4 and module_at:  # a key's value becomes a hostile number
        i = rng.choice(module_at)
        name, _, rest = args[i].partition(b":")
        items = rest.split(b",") if rest else []
        key = rng.choice(KEYS)
        items.append(key + (b"" if key == b"language" and rng.random() < 0.7
                            else b"=" + rng.choice(NUMBERS)))
        if rng.random() < 0.5 and len(items) > 1:
            items.pop(rng.randrange(len(items) - 1))
        args[i] = name + b":" + b",".join(items)
    elif choice < 6 and module_at:  # a hostile name
        i = rng.choice(module_at)
        args[i] = random_name(rng) + b":" + args[i].partition(b":")[2]
    elif choice == 6 and module_at:  # two names that differ in invalid or control bytes
        i = rng.choice(module_at)
        args[i] = b"m" + rng.choice([b"\xff", b"\x1b", b"\x01"]) + b":" + args[i].partition(b":")[2]
        args += [b"--module", b"m" + rng.choice([b"\xfe", b"\x1c", b"\x02"]) + b":ranks=1"]
    elif choice == 7:  # --world hostile
        i = args.index(b"--world") + 1 if b"--world" in args else None
        if i is not None and i < len(args):
            args[i] = rng.choice(NUMBERS)
    elif choice == 8:  # syntax damage
        what = rng.randrange(6)
        if what == 0 and args:
            del args[rng.randrange(len(args))]
        elif what == 1:
            args.insert(rng.randrange(len(args) + 1), rng.choice(
                [b"--json=1", b"--bogus", b"-x", b"--world", b"--module", b"--rank", b"--svg=",
                 b"--help", b"-h", b"--help=1", b"extra", b"--", b"-", b"--svg"]))
        elif what == 2 and module_at:
            i = rng.choice(module_at)
            args[i] = args[i] + rng.choice([b",", b",,ranks=1", b",language", b",tp", b":"])
        elif what == 3 and module_at:
            i = rng.choice(module_at)
            args[i] = args[i].replace(b":", b"", 1)
        elif what == 4:
            args += [b"--world", rng.choice(NUMBERS)]
        else:
            args = [a.replace(b"--", b"", 1) if rng.random() < 0.2 else a for a in args]
    elif choice == 9:  # --rank hostile
        args += [b"--rank", rng.choice(NUMBERS)]
    elif choice == 10:  # sizes whose products wrap a 32-bit int
        big = rng.choice([[b"tp=65536", b"cp=65536"], [b"tp=641", b"cp=6700417", b"expt_tp=1"],
                          [b"tp=46341", b"cp=46341"], [b"pp=2147483647", b"tp=2"],
                          [b"ep=65536", b"expt_tp=65536"], [b"offset=2147483647"],
                          [b"ranks=2147483647", b"offset=2147483647"]])
        if module_at:
            i = rng.choice(module_at)
            args[i] = args[i].partition(b":")[0] + b":ranks=1,language," + b",".join(big)
    else:  # explicit zeros
        if module_at:
            i = rng.choice(module_at)
            args[i] += b"," + rng.choice([b"expt_tp=0", b"tp=0", b"ranks=0", b"ep=0", b"pp=0",
                                          b"offset=0", b"gtp_remat=0"])
    return args


def generate(rng, gtp, tmp):
    pick = rng.random()
    if pick < 0.04:  # many modules: the module checks must be n log n
        n = rng.choice([2000, 20000])
        args = [b"--world", str(n).encode()]
        for k in range(n):
            args += [b"--module", b"m%d:ranks=1,offset=%d%s" % (k, k, b",language" if k == 0 else b"")]
        if rng.random() < 0.5:  # break one rule at the very end
            args[-1] = rng.choice([b"m1:ranks=1,offset=%d" % (n - 1), b"z:ranks=2,offset=%d" % (n - 1)])
        if rng.random() < 0.5:  # the split plan too must be n log n (issue 20, row 3)
            args.append(b"--plan")
        return args
    if pick < 0.1:  # a big world: bounded output in every mode, bounded memory
        world = rng.choice([10**6, 10**8, 2**31 - 1, 2**30])
        args = [b"--world", str(world).encode(), b"--module",
                b"lm:ranks=%d,tp=%d,language" % (world, rng.choice([1, 8]) if world % 8 == 0 else 1),
                b"--rank", str(rng.randrange(world)).encode()]
        return args  # a table: its size does not grow with the world
    world, modules = valid_layout(rng, gtp, 64)
    args = [b"--world", str(world).encode()]
    for name, spec in modules:
        args += [b"--module", module_text(name, spec, rng)]
    mode = rng.randrange(5)
    if mode in (1, 3):
        args.append(b"--json")
    if mode in (2, 3):
        args += [b"--rank", str(rng.randrange(world)).encode()]
    if mode == 4 or rng.random() < 0.15:
        target = os.path.join(tmp, "p.svg") if rng.random() < 0.9 else "/nonexistent/dir/p.svg"
        args += [b"--svg", target.encode()]
    for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
        args = mutate(rng, args)
    if rng.random() < 0.05:
        args = [a.replace(b" ", b"") for a in args] + [b"--json"]
    return args


# ---- running and checking ----
SANITIZED = False  # an ASan build reserves terabytes of address space: no limit then


def limit_memory():
    if SANITIZED:
        return
    limit = 1 << 30  # 1 GiB of address space: a runaway allocation fails fast, never thrashes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run(binary, args, stdout_path=None):
    out_file = open(stdout_path, "wb") if stdout_path else tempfile.TemporaryFile()
    err_file = tempfile.TemporaryFile()
    start = time.monotonic()
    proc = subprocess.Popen([binary] + args, stdout=out_file, stderr=err_file,
                            preexec_fn=limit_memory)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - start
    out = b""
    if not stdout_path:
        out_file.seek(0)
        out = out_file.read()
    out_file.close()
    err_file.seek(0)
    err = err_file.read()
    return proc.returncode, out, err, usage.ru_maxrss * 1024, seconds


def hidden(c):
    """What the contract escapes: controls (C0, DEL, C1), format characters (bidi controls,
    zero-width characters, the soft hyphen, tags), line and paragraph separators, variation
    selectors and noncharacters."""
    cp = ord(c)
    return (unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") or 0xfe00 <= cp <= 0xfe0f
            or 0xfdd0 <= cp <= 0xfdef or cp & 0xfffe == 0xfffe)


def printable_text(data):
    try:
        text = data.decode("utf-8", "strict")
    except UnicodeDecodeError:
        return False
    return not any(hidden(c) and c != "\n" for c in text)


def printable(name):
    """A valid UTF-8 name as people see it: a backslash doubled, each byte of a hidden character
    as \\xNN, everything else as itself."""
    out = []
    for c in name.decode("utf-8"):
        if c == "\\":
            out.append("\\\\")
        elif hidden(c):
            out.append("".join("\\x%02x" % b for b in c.encode("utf-8")))
        else:
            out.append(c)
    return "".join(out).encode("utf-8")


class Failure(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Failure(what)


def check_json_layout(model, doc, world, specs):
    expect(doc["world"] == world, "world")
    expect(len(doc["modules"]) == len(specs), "module count")
    for m, s in zip(doc["modules"], specs):
        expect(m["name"] == s["name"].decode("utf-8"), "name %r" % m["name"])
        expect(m["language"] == s["language"], "language flag")
        for key in ["ranks", "offset", "tp", "cp", "pp", "ep", "expt_tp"]:
            expect(m[key] == s[key], "field " + key)
        expect(m["dp"] == model.sizes(s, "base")["dp"], "dp")
        expect(m["expt_dp"] == model.sizes(s, "expert")["expt_dp"], "expt_dp")
        groups = m["groups"]
        expect(set(groups) == set(model.kinds) | {"embd", "pos_embd"},
               "group kinds %s" % sorted(groups))
        if s["ranks"] <= 64:
            for kind in model.kinds:
                expect(groups[kind] == model.groups(s, kind), "groups of " + kind)
            embd, pos = model.embd(s) if s["language"] else (None, None)
            expect(groups["embd"] == embd and groups["pos_embd"] == pos, "embedding groups")


def check_json_rank(model, doc, world, specs, rank):
    expect(doc["world"] == world and doc["rank"] == rank, "world, rank")
    holding = [s for s in specs if s["offset"] <= rank < s["offset"] + s["ranks"]]
    expect([m["name"] for m in doc["modules"]] == [s["name"].decode("utf-8") for s in holding],
           "modules holding the rank")
    for m, s in zip(doc["modules"], holding):
        coords = {**model.coords(s, "base", rank), **model.coords(s, "expert", rank)}
        if not model.gtp:
            coords.pop("gtp_remat"), coords.pop("expt_gtp_remat")
        expect(m["coords"] == coords, "coords")
        expect(m["is_first_stage"] == (coords["pp"] == 0), "first stage")
        expect(m["is_last_stage"] == (coords["pp"] == s["pp"] - 1), "last stage")
        if s["ranks"] > 64:
            continue
        for kind in model.kinds:
            mine = [g for g in model.groups(s, kind) if rank in g]
            expect(m["groups"][kind] == mine[0], "group of " + kind)
        embd, pos = model.embd(s) if s["language"] else ([], [])
        mine = [g for g in embd if rank in g]
        expect(m["groups"]["embd"] == (mine[0] if mine else None), "embd")
        mine = [g for g in pos if rank in g]
        expect(m["groups"]["pos_embd"] == (mine[0] if mine else None), "pos_embd")


def check_case(model, binary, args, max_rss, tmp):
    svg_path = None
    kind, req = model.parse(args)
    code, out, err, rss, seconds = run(binary, args)
    expect(code >= 0, "killed by signal %d" % -code)
    expect(rss < max_rss, "peak RSS %.1f MiB" % (rss / 2**20))
    if kind == "ok":
        specs = [model.resolve(m) for m in req["modules"]]
        broken = model.check(req["world"], specs)
        if broken is None and req["svg"] is not None:
            if sum(s["ranks"] for s in specs) > SVG_MAX_RANKS:
                broken = "usage"
            elif req["svg"].startswith(b"/nonexistent/"):
                broken = "output"  # a file that cannot be written: exit 1 with the reason
            else:
                svg_path = req["svg"]
        kind = broken or "ok"
    if kind == "help":
        expect(code == 0 and err == b"" and out.startswith(b"usage: hetgrid-inspect"), "help")
        return kind, seconds
    if kind != "ok":
        expect(code == (1 if kind == "output" else 2),
               "exit %d, model says %s; stderr %r" % (code, kind, err[:300]))
        expect(out == b"", "stdout not empty")
        expect(err.endswith(b"\n") and err.count(b"\n") == 1, "not one line: %r" % err[:300])
        match = re.match(rb"hetgrid-inspect: ([a-z]+): .+\n\Z", err, re.S)
        expect(match is not None, "form of %r" % err[:300])
        expect(match.group(1) == kind.encode(), "kind %r, model says %s: %r" %
               (match.group(1), kind, err[:300]))
        expect(printable_text(err), "stderr not printable: %r" % err[:300])
        return kind, seconds
    expect(code == 0, "exit %d, model says ok; stderr %r" % (code, err[:300]))
    expect(err == b"", "stderr %r" % err[:300])
    if req["plan"]:  # only ever generated alone, on many modules: its head and its pace
        expect(out.startswith(b"plan: world %d, %d modules" % (req["world"], len(specs))),
               "plan's first line: %r" % out[:200])
        expect(printable_text(out), "plan not printable")
        expect(seconds < 10, "--plan took %.1f s on %d modules" % (seconds, len(specs)))
    elif req["json"]:
        expect(printable_text(out), "JSON not printable (a hidden character left raw)")
        doc = json.loads(out.decode("utf-8", "strict"))
        if req["rank"] is None:
            check_json_layout(model, doc, req["world"], specs)
        else:
            check_json_rank(model, doc, req["world"], specs, req["rank"])
    else:
        expect(printable_text(out), "table not printable")
        if req["rank"] is None and len(specs) <= 100:  # the whole table names every module
            for s in specs:
                shown = printable(s["name"])
                expect(shown in out, "name %r not in the table" % shown)
        expect(len(out) < 1 << 20 or len(specs) > 100, "a table of %d bytes" % len(out))
    if svg_path is not None:
        with open(svg_path.decode(), "rb") as picture:
            expect(printable_text(picture.read()), "SVG not printable")
        root = ElementTree.parse(svg_path.decode()).getroot()  # raises on XML that is not well-formed
        expect(root.tag.endswith("svg"), "svg root")
        os.unlink(svg_path)
    return "ok", seconds


def check_unwritable(model, binary, rng, tmp):
    """stdout is /dev/full: exit 1, one line on stderr."""
    world, modules = valid_layout(rng, model.gtp, 64)
    args = [b"--world", str(world).encode()]
    for name, spec in modules:
        args += [b"--module", module_text(name, spec, rng)]
    args += rng.choice([[], [b"--json"], [b"--json", b"--rank", b"0"], [b"--help"]])
    kind, req = model.parse(args)
    if kind == "ok":
        kind = model.check(req["world"], [model.resolve(m) for m in req["modules"]]) or "ok"
    code, _, err, _, _ = run(binary, args, stdout_path="/dev/full")
    if kind not in ("ok", "help"):  # bad input is told before anything is written
        expect(code == 2, "exit %d for bad input with stdout full" % code)
        return
    expect(code == 1, "exit %d with stdout full" % code)
    expect(err.count(b"\n") == 1 and err.startswith(b"hetgrid-inspect: output: "),
           "stderr with stdout full: %r" % err)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--inspect", required=True)
    parser.add_argument("--count", type=int, default=600, help="cases per seed")
    parser.add_argument("--seed", type=int, default=None, help="replay this seed only")
    parser.add_argument("--no-gtp-remat", action="store_true")
    parser.add_argument("--max-rss-mib", type=int, default=64)
    parser.add_argument("--sanitized", action="store_true",
                        help="the tool is an ASan build: no address-space limit, RSS bound 1 GiB")
    opt = parser.parse_args()
    global SANITIZED
    SANITIZED = opt.sanitized
    if opt.sanitized:
        opt.max_rss_mib = max(opt.max_rss_mib, 1024)
    model = Model(gtp=not opt.no_gtp_remat)
    seeds = [opt.seed] if opt.seed is not None else [15, int(time.time() * 1000) % 2**32]
    failures, total, kinds, slowest = 0, 0, {}, 0.0
    start = time.monotonic()
    opt.inspect = os.path.abspath(opt.inspect)
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # an --svg value that is a stray word lands here
        for seed in seeds:
            print("fuzz_inspect: seed %d, %d cases (replay: --seed %d)" % (seed, opt.count, seed),
                  flush=True)
            rng = random.Random(seed)
            for n in range(opt.count):
                args = generate(rng, model.gtp, tmp)
                total += 1
                try:
                    if n % 50 == 49:
                        check_unwritable(model, opt.inspect, rng, tmp)
                    kind, seconds = check_case(model, opt.inspect, args, opt.max_rss_mib << 20, tmp)
                    kinds[kind] = kinds.get(kind, 0) + 1
                    slowest = max(slowest, seconds)
                except (Failure, ValueError, KeyError, TypeError, IndexError, ElementTree.ParseError) as e:
                    failures += 1
                    if failures <= 20:
                        shown = [a if len(a) < 200 else a[:200] + b"..." for a in args[:40]]
                        print("FAIL seed %d case %d: %s\n  args: %r" % (seed, n, e, shown))
    print("fuzz_inspect: %d cases in %.1f s (slowest %.2f s), %d failed; outcomes %s" %
          (total, time.monotonic() - start, slowest, failures, dict(sorted(kinds.items()))))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
