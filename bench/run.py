#!/usr/bin/env python3
"""Cost of blockwatch against the parse floor, clang-tidy and the analyzer.

    python3 bench/run.py BUILD_DIR [--label NAME] [-j N] [--source-root DIR]
                         [--only ROWS] [--skip ROWS] [--json OUT.json]

BUILD_DIR holds compile_commands.json. In one run, over the same TUs, it
measures wall time, CPU time (user+sys of the child processes, from wait4)
and peak RSS (largest single process) of:

  floor       clang++-19 -fsyntax-only: each database command with -c/-o
              replaced by -fsyntax-only, one process per TU, serial. Measured
              first and again last; the mean of the two is the floor.
  bw-j1       blockwatch -p BUILD -j1
  bw-jN       blockwatch -p BUILD -jN
  bw-cold     blockwatch -p BUILD -j1 --cache-dir EMPTY
  bw-warm     the same again (every TU from the cache)
  bw-touch    the same after touching one source file (mtime only)
  tidy        clang-tidy-19 --checks=-*,concurrency-*,misc-coroutine-hostile-raii,
              cppcoreguidelines-no-suspend-with-lock -p BUILD FILES (one process)
  tidy-bw     clang-tidy-19 --load=BlockwatchTidyModule.so --checks=-*,blockwatch-*
              -p BUILD FILES (the plugin, one process)
  analyzer    clang++-19 --analyze -Xclang -analyzer-checker=unix.BlockInCriticalSection
              (default checkers plus that one), one process per TU, serial

and prints a table with each row's ratio to the floor (wall and CPU), so the
result holds on a noisy, shared machine. bw-touch is compared with the floor
cost of the touched TU alone (its own -fsyntax-only parse).

If BUILD_DIR's sources are in a git checkout, its commit is recorded
(--source-root names the checkout). A real project:

    git clone https://github.com/google/leveldb /tmp/leveldb && git -C /tmp/leveldb checkout 1.23
    python3 bench/run.py /tmp/leveldb/build --checkout /tmp/leveldb --label "leveldb 1.23" \
        --cmake-arg=-DLEVELDB_BUILD_TESTS=OFF --cmake-arg=-DLEVELDB_BUILD_BENCHMARKS=OFF

configures it (compile database only) when BUILD has no compile_commands.json.
Keep checkouts and corpora outside this repository (e.g. under /tmp).
"""
import argparse
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
BW = os.path.join(ROOT, "build", "driver", "blockwatch")
PLUGIN = os.path.join(ROOT, "build", "checks", "BlockwatchTidyModule.so")
CLANG = "clang++-19"
TIDY = "clang-tidy-19"
TIDY_CHECKS = "-*,concurrency-*,misc-coroutine-hostile-raii,cppcoreguidelines-no-suspend-with-lock"
ANALYZER = ["--analyze", "-Xclang", "-analyzer-checker=unix.BlockInCriticalSection"]
ALL_ROWS = ["floor", "bw-j1", "bw-jN", "bw-cold", "bw-warm", "bw-touch",
            "tidy", "tidy-bw", "analyzer"]


def run_one(argv, cwd=None):
    """Runs argv, returns (wall s, user s, sys s, maxrss KiB, exit status)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss, p.returncode


def run_many(cmds):
    """cmds: list of (argv, cwd). Serial; sums times, max of peak RSS."""
    tot = {"wall": 0.0, "user": 0.0, "sys": 0.0, "rss_kb": 0, "exit": [], "per": []}
    for argv, cwd in cmds:
        w, u, s, m, rc = run_one(argv, cwd)
        tot["wall"] += w
        tot["user"] += u
        tot["sys"] += s
        tot["rss_kb"] = max(tot["rss_kb"], m)
        tot["exit"].append(rc)
        tot["per"].append(w)
    tot["cpu"] = tot["user"] + tot["sys"]
    return tot


def tu_argv(entry, replace_with):
    """The database command with -c and -o X replaced by replace_with."""
    if "arguments" in entry:
        a = list(entry["arguments"])
    else:
        a = shlex.split(entry["command"])
    out = [a[0]]
    i = 1
    while i < len(a):
        x = a[i]
        if x == "-o":
            i += 2
            continue
        if x.startswith("-o") and len(x) > 2:
            i += 1
            continue
        if x == "-c":
            i += 1
            continue
        out.append(x)
        i += 1
    # Keep the compiler of the database only when it is clang++-19.
    if "clang" not in os.path.basename(out[0]):
        out[0] = CLANG
    return out[:1] + replace_with + out[1:]


def git_commit(path):
    try:
        return subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except Exception:
        return None


def fmt_row(name, r, floor):
    rw = r["wall"] / floor["wall"] if floor else float("nan")
    rc = r["cpu"] / floor["cpu"] if floor else float("nan")
    ex = sorted(set(r["exit"]))
    return "| %-9s | %8.2f | %8.2f | %8.0f | %6.2fx | %6.2fx | %s |" % (
        name, r["wall"], r["cpu"], r["rss_kb"] / 1024, rw, rc,
        ",".join(str(e) for e in ex))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("--label", default=None)
    ap.add_argument("-j", type=int, default=os.cpu_count())
    ap.add_argument("--source-root", default=None,
                    help="checkout whose commit is recorded (default: the first TU's git repo)")
    ap.add_argument("--only", default=None, help="comma-separated rows to run")
    ap.add_argument("--skip", default="", help="comma-separated rows to skip")
    ap.add_argument("--touch", default=None, help="file to touch for bw-touch (default: first TU)")
    ap.add_argument("--blockwatch", default=BW)
    ap.add_argument("--plugin", default=PLUGIN, help="BlockwatchTidyModule.so for tidy-bw")
    ap.add_argument("--json", default=None, help="also write the results as JSON")
    ap.add_argument("--checkout", default=None,
                    help="a local checkout of a CMake project: configure it into BUILD first "
                         "(compile database only, nothing is built) and record its commit")
    ap.add_argument("--cmake-arg", action="append", default=[],
                    help="extra argument for that configure (repeatable), e.g. "
                         "-DLEVELDB_BUILD_TESTS=OFF")
    a = ap.parse_args()

    build = os.path.abspath(a.build)
    if a.checkout:
        a.source_root = a.source_root or a.checkout
        if not os.path.exists(os.path.join(build, "compile_commands.json")):
            subprocess.run(["cmake", "-S", a.checkout, "-B", build, "-G", "Ninja",
                            "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
                            "-DCMAKE_CXX_COMPILER=clang++-19", "-DCMAKE_C_COMPILER=clang-19",
                            "-DCMAKE_BUILD_TYPE=Release"] + a.cmake_arg,
                           check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(build, "compile_commands.json")) as f:
        db = json.load(f)
    files = []
    for e in db:
        p = e["file"] if os.path.isabs(e["file"]) else os.path.join(e["directory"], e["file"])
        files.append(os.path.normpath(p))
    rows = a.only.split(",") if a.only else list(ALL_ROWS)
    rows = [r for r in rows if r not in a.skip.split(",")]
    if not os.path.exists(a.plugin) and "tidy-bw" in rows:
        rows.remove("tidy-bw")
    src_root = a.source_root or os.path.dirname(files[0])
    commit = git_commit(src_root)
    label = a.label or os.path.basename(os.path.dirname(build)) or build
    touch = os.path.abspath(a.touch) if a.touch else files[0]

    bw = [a.blockwatch, "-p", build, "--format=json"]
    res = {}

    def note(name):
        print("[%s] %s ..." % (time.strftime("%H:%M:%S"), name), file=sys.stderr, flush=True)

    syntax_cmds = [(tu_argv(e, ["-fsyntax-only"]), e["directory"]) for e in db]
    if "floor" in rows:
        note("floor (first)")
        res["floor-1"] = run_many(syntax_cmds)
    if "bw-j1" in rows:
        note("bw-j1")
        res["bw-j1"] = run_many([(bw + ["-j1"], build)])
    if "bw-jN" in rows:
        note("bw-j%d" % a.j)
        res["bw-jN"] = run_many([(bw + ["-j%d" % a.j], build)])
    if any(r in rows for r in ("bw-cold", "bw-warm", "bw-touch")):
        cache = tempfile.mkdtemp(prefix="bw-bench-cache-")
        try:
            c = bw + ["-j1", "--cache-dir", cache]
            note("bw-cold")
            res["bw-cold"] = run_many([(c, build)])
            note("bw-warm")
            res["bw-warm"] = run_many([(c, build)])
            if "bw-touch" in rows:
                note("bw-touch (%s)" % touch)
                os.utime(touch)  # a new mtime, the content unchanged
                res["bw-touch"] = run_many([(c, build)])
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    if "tidy" in rows:
        note("tidy")
        res["tidy"] = run_many([([TIDY, "-p", build, "--quiet", "--checks=" + TIDY_CHECKS]
                                 + files, build)])
    if "tidy-bw" in rows:
        note("tidy-bw")
        res["tidy-bw"] = run_many([([TIDY, "--load=" + a.plugin, "-p", build, "--quiet",
                                     "--checks=-*,blockwatch-*"] + files, build)])
    if "analyzer" in rows:
        note("analyzer")
        res["analyzer"] = run_many([(tu_argv(e, ANALYZER + ["-o", "/dev/null"]),
                                     e["directory"]) for e in db])
    if "floor" in rows:
        note("floor (last)")
        res["floor-2"] = run_many(syntax_cmds)
        f1, f2 = res["floor-1"], res["floor-2"]
        res["floor"] = {k: (f1[k] + f2[k]) / 2 for k in ("wall", "user", "sys", "cpu")}
        res["floor"]["rss_kb"] = max(f1["rss_kb"], f2["rss_kb"])
        res["floor"]["exit"] = f1["exit"]
        res["floor"]["per"] = [(x + y) / 2 for x, y in zip(f1["per"], f2["per"])]
    floor = res.get("floor")

    print()
    print("### %s: %d TUs, %s" % (label, len(db), build))
    if commit:
        print("source commit: %s (%s)" % (commit, src_root))
    print()
    print("| run       |   wall s |  cpu s |  peak MB | wall/floor | cpu/floor | exit |")
    print("|-----------|---------:|-------:|---------:|-----------:|----------:|------|")
    order = ["floor-1", "floor-2", "floor", "bw-j1", "bw-jN", "bw-cold", "bw-warm",
             "bw-touch", "tidy", "tidy-bw", "analyzer"]
    for k in order:
        if k in res:
            name = "bw-j%d" % a.j if k == "bw-jN" else k
            print(fmt_row(name, res[k], floor))
    if floor:
        print()
        if "bw-j1" in res:
            print("- blockwatch -j1 / floor: %.2fx wall, %.2fx cpu (target <= 1.15x)" %
                  (res["bw-j1"]["wall"] / floor["wall"], res["bw-j1"]["cpu"] / floor["cpu"]))
        if "analyzer" in res and "bw-j1" in res:
            print("- analyzer / blockwatch -j1: %.2fx wall, %.2fx cpu (target >= 5x)" %
                  (res["analyzer"]["wall"] / res["bw-j1"]["wall"],
                   res["analyzer"]["cpu"] / res["bw-j1"]["cpu"]))
        if "tidy" in res and "bw-j1" in res:
            print("- clang-tidy (stock checks) / blockwatch -j1: %.2fx wall" %
                  (res["tidy"]["wall"] / res["bw-j1"]["wall"]))
        if "bw-touch" in res:
            i = files.index(touch) if touch in files else 0
            one = floor["per"][i]
            print("- after touching %s: %.2f s wall; that TU's own parse: %.2f s "
                  "(%.2fx); warm, nothing touched: %.2f s" %
                  (os.path.relpath(touch, os.path.dirname(build)), res["bw-touch"]["wall"],
                   one, res["bw-touch"]["wall"] / one, res["bw-warm"]["wall"]))
    if a.json:
        out = {"label": label, "build": build, "tus": len(db), "commit": commit,
               "date": time.strftime("%Y-%m-%d %H:%M:%S %z"), "host": platform.node(),
               "nproc": os.cpu_count(), "results": res}
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
