#!/usr/bin/env python3
"""How `blockwatch --merge` grows with the program: synthetic facts for 10k,
100k and 1M functions, then wall time, CPU time and peak RSS of the merge.

    python3 bench/merge_scale.py [--sizes 10000,100000,1000000] [--work /tmp/bw-merge]
                                 [--per-tu 150] [--keep] [--blockwatch PATH]

Facts are written in the format of checks/analysis/Facts.cpp (version 3,
"blockwatch_facts"), one document per synthetic TU (--per-tu functions each),
with the rule digest of the blockwatch under test (read from a facts document
it emits for a tiny TU), so --merge accepts them.

Density, taken from facts blockwatch emits for bench/gen_corpus.py and
examples/ modules (per function with a body):
  ~85% of functions have a body, the rest are declarations of callees;
  calls: 0-4 (mean ~0.9, as measured), 60% to functions of the same TU, 30%
  to other TUs (the next 20 "modules", so chains cross files), 10% to
  undefined library code; calls only go "forward" (a layered program);
  acquires: 35% of functions take one lock, 8% take a second while holding
  the first; locks follow one global order (lock i before lock j for i<j,
  locks numbered by the position of the code that takes them, and calls made
  under a lock go "forward"), plus one inversion per 20k functions, so
  lock-order cycles exist but are few, as in a real program;
  calls made under a held lock: about 1 in 4;
  blocking calls: 12% of functions (fsync, recv, read, poll, getaddrinfo,
  condition_variable::wait, thread::join), a third of them under a lock;
  loop entries: 2% of functions are asio coroutines; 3% spawn a handler.

Each merge runs `blockwatch --merge DIR --checks=blockwatch-* --format=json`
with its output to /dev/null (exit 1, findings, is expected).
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
BW = os.path.join(ROOT, "build", "driver", "blockwatch")

BLOCKING = [
    ("::fsync", "file-io", "an fsync on a worker thread", ""),
    ("::recv", "socket-io", "an asynchronous read, or MSG_DONTWAIT on a non-blocking socket", ""),
    ("::read", "file-io", "an asynchronous read", ""),
    ("::poll", "io-wait", "", ""),
    ("::getaddrinfo", "dns", "an asynchronous resolver (c-ares, asio's async_resolve)", ""),
    ("::std::thread::join", "join", "", ""),
    ("::std::condition_variable::wait", "condition-wait",
     "an asynchronous notification (a channel, a fiber condition variable or a timer)", "COND"),
]


def rules_digest(bw):
    d = tempfile.mkdtemp(prefix="bw-digest-")
    try:
        src = os.path.join(d, "t.cpp")
        with open(src, "w") as f:
            f.write("void f() {}\n")
        subprocess.run([bw, "--emit-facts", os.path.join(d, "out"), src, "--", "-std=c++17"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = os.path.join(d, "out")
        doc = json.load(open(os.path.join(out, os.listdir(out)[0])))
        return doc["rules"]
    finally:
        shutil.rmtree(d, ignore_errors=True)


def loc(file, line, col, end=12):
    off = line * 40 + col
    return [file, line, col, line, col + end, off, off + end]


def gen(dirpath, n_funcs, per_tu, digest, seed=1):
    rng = random.Random(seed)
    n_tus = (n_funcs + per_tu - 1) // per_tu
    n_locks = max(8, n_funcs // 10)
    n_inversions = max(1, n_funcs // 20000)
    os.makedirs(dirpath, exist_ok=True)
    total_bytes = 0
    stats = {"functions": 0, "calls": 0, "acquires": 0, "blocking": 0, "spawns": 0}

    def usr(g):
        return "c:@N@app@N@m%d@F@fn_%d#I#" % (g // per_tu, g)

    def name(g):
        return "::app::m%d::fn_%d" % (g // per_tu, g)

    def lock_of(i, file, line):
        return {"id": "app::Lock%d::mu_" % i, "shared": False, "recursive": False,
                "at": loc(file, line, 5, 30), "instance": "this", "param": -1}

    inv_tus = set(rng.sample(range(n_tus), min(n_tus, n_inversions)))
    for t in range(n_tus):
        file = "/src/app/m%d.cpp" % t
        lo, hi = t * per_tu, min(n_funcs, (t + 1) * per_tu)
        fns = []
        for g in range(lo, hi):
            line = 10 + (g - lo) * 12
            has_body = rng.random() < 0.85 or (t in inv_tus and g == lo)
            fn = {"usr": usr(g), "name": name(g), "at": loc(file, line, 6, 8),
                  "body": has_body, "extern_c": False, "system": False,
                  "foreign_api": False, "calls": [], "blocking": [], "suspends": [],
                  "acquires": [], "spawns": [], "reads": [], "deadline_params": [],
                  "deadline_param_calls": []}
            stats["functions"] += 1
            if not has_body:
                fns.append(fn)
                continue
            held = []
            planted = t in inv_tus and g == lo
            if rng.random() < 0.35 or planted:
                # Locks are ordered by the position of the code that takes
                # them, so nesting (direct, or through calls made under a
                # lock, which only go "forward") follows one global order.
                a = min(n_locks - 2, g * n_locks // n_funcs + rng.randint(0, 1))
                l1 = lock_of(a, file, line + 1)
                fn["acquires"].append({"lock": l1, "try": False, "blocks_thread": True,
                                       "held": [], "at": l1["at"], "merge_with": "",
                                       "merge_fix": []})
                held = [l1]
                if rng.random() < 0.23 or planted:
                    b = a + 1
                    if planted:
                        a, b = b, a  # the planted inversion
                    l2 = lock_of(b, file, line + 2)
                    fn["acquires"].append({"lock": l2, "try": False, "blocks_thread": True,
                                           "held": [l1], "at": l2["at"], "merge_with": "",
                                           "merge_fix": []})
                    held = [l1, l2]
            ncalls = min(4, int(rng.expovariate(1 / 1.6)))
            for c in range(ncalls):
                r = rng.random()
                under = held if (held and rng.random() < 0.7) else []
                # Calls go "forward" (a layered program: the call graph is
                # a DAG), at least 30 functions on, so a callee's locks come
                # later in the lock order than its caller's.
                if r < 0.6 and g + 30 < hi:
                    callee = rng.randrange(g + 30, hi)
                    cu, cn = usr(callee), name(callee)
                elif r < 0.9:
                    ot = min(n_tus - 1, t + rng.randint(1, 20))
                    callee = min(max(g + 30, ot * per_tu + rng.randrange(per_tu)), n_funcs - 1)
                    cu, cn = usr(callee), name(callee)
                else:
                    k = rng.randrange(2000)
                    cu, cn = "c:@N@lib@F@ext_%d#" % k, "::lib::ext_%d" % k
                fn["calls"].append({"callee": cu, "name": cn, "at": loc(file, line + 3 + c, 5),
                                    "held": under, "this_call": False, "arg_locks": [], "fd_args": []})
            if rng.random() < 0.12:
                api, kind, alt, rel = rng.choice(BLOCKING)
                under = held if (held and rng.random() < 0.33) else []
                if rel == "COND":
                    rel = under[-1]["id"] if under else ""
                fn["blocking"].append({"api": api, "kind": kind, "alternative": alt,
                                       "releases": rel, "only_in": [],
                                       "at": loc(file, line + 8, 5), "held": under,
                                       "fixes": []})
            if rng.random() < 0.02:
                fn["entry"] = "asio"
                fn["entry_reason"] = "a coroutine returning boost::asio::awaitable"
                fn["suspends"].append({"what": "co_await", "at": loc(file, line + 9, 5),
                                       "held": []})
            if rng.random() < 0.03:
                target = rng.randrange(lo, hi)
                fn["spawns"].append({"target": usr(target), "target_name": name(target),
                                     "context": "asio", "via": "::boost::asio::post",
                                     "at": loc(file, line + 10, 5)})
            for k in ("calls", "acquires", "blocking", "spawns"):
                stats[k] += len(fn[k])
            fns.append(fn)
        doc = {"blockwatch_facts": 3, "main_file": file, "rules": digest, "functions": fns}
        text = json.dumps(doc, separators=(",", ":"))
        total_bytes += len(text)
        with open(os.path.join(dirpath, "m%d.cpp-%016x.facts.json" % (t, t)), "w") as f:
            f.write(text)
    stats["tus"] = n_tus
    stats["locks"] = n_locks
    stats["bytes"] = total_bytes
    return stats


def measure(argv):
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    err = p.stderr.read().decode(errors="replace")
    return (time.monotonic() - t0, ru.ru_utime + ru.ru_stime, ru.ru_maxrss,
            os.waitstatus_to_exitcode(status), err)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--per-tu", type=int, default=150)
    ap.add_argument("--work", default="/tmp/bw-merge")
    ap.add_argument("--blockwatch", default=BW)
    ap.add_argument("--keep", action="store_true", help="keep the generated facts")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    digest = rules_digest(a.blockwatch)
    rows = []
    for n in [int(x) for x in a.sizes.split(",")]:
        d = os.path.join(a.work, "facts-%d" % n)
        shutil.rmtree(d, ignore_errors=True)
        t0 = time.monotonic()
        st = gen(d, n, a.per_tu, digest)
        gen_s = time.monotonic() - t0
        print("[%s] %d functions: %d TUs, %.0f MB of facts (generated in %.0f s); merging ..." %
              (time.strftime("%H:%M:%S"), n, st["tus"], st["bytes"] / 1e6, gen_s),
              file=sys.stderr, flush=True)
        argv = ["timeout", str(a.timeout), a.blockwatch, "--merge", d,
                "--checks=blockwatch-*", "--format=json", "-o", "/dev/null"]
        wall, cpu, rss, rc, err = measure(argv)
        if rc not in (0, 1):
            print("merge of %d exited %d: %s" % (n, rc, err[:2000]), file=sys.stderr)
        rows.append({"functions": n, "stats": st, "wall": wall, "cpu": cpu, "rss_kb": rss,
                     "exit": rc})
        if not a.keep:
            shutil.rmtree(d, ignore_errors=True)
    print()
    print("| functions | TUs | calls | acquires | blocking | facts MB | wall s | cpu s | peak MB | us/function | exit |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        s = r["stats"]
        print("| %d | %d | %d | %d | %d | %.0f | %.2f | %.2f | %.0f | %.1f | %d |" % (
            r["functions"], s["tus"], s["calls"], s["acquires"], s["blocking"],
            s["bytes"] / 1e6, r["wall"], r["cpu"], r["rss_kb"] / 1024,
            r["wall"] / r["functions"] * 1e6, r["exit"]))
    if len(rows) >= 2:
        print()
        for x, y in zip(rows, rows[1:]):
            k = y["functions"] / x["functions"]
            print("- %dx more functions (%d -> %d): wall x%.1f, peak memory x%.1f" % (
                k, x["functions"], y["functions"], y["wall"] / x["wall"],
                y["rss_kb"] / x["rss_kb"]))
    big = [r for r in rows if r["functions"] >= 1000000]
    for r in big:
        print("- %d functions: %.2f s (target < 5 s), %.0f MB (target < 2048 MB)" % (
            r["functions"], r["wall"], r["rss_kb"] / 1024))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
