#!/usr/bin/env python3
"""blockwatch over real open-source C++ (issue 12, "Real code").

    python3 bench/real-code.py --out DIR [-j N] [--timeout S] [--tu-timeout S]
                               NAME=CHECKOUT [NAME=CHECKOUT ...]

NAME is one of the projects below; CHECKOUT is a local git checkout of it
(a clone or `git worktree add` of the pinned commit). Their code is never
copied into this repository: everything this script writes goes under --out.

For each project it

  1. records the checkout's commit (`git rev-parse HEAD`) and warns when it
     is not the pinned one below;
  2. writes OUT/NAME/build/compile_commands.json: a CMake configure only
     (`-DCMAKE_EXPORT_COMPILE_COMMANDS=ON`, nothing is built) for projects with
     a usable CMakeLists, or a generated database for header-only code and
     example directories;
  3. runs `blockwatch -p OUT/NAME/build --format=json -j N` with every rule
     (`--checks=blockwatch-*`) under a wall-clock timeout, in its own process
     group (killed whole on timeout);
  4. records exit status, crash (exit 3 or a signal), hang (timeout), wall
     time, number of TUs, TUs that failed to parse, and findings per rule;
  5. on a crash or a hang, runs every TU alone (--tu-timeout each) and names
     the TUs that crash or hang, with the command that reproduces it.

OUT/summary.json holds all of it, OUT/NAME/findings.json blockwatch's JSON
report, OUT/NAME/stderr.txt its diagnostics; a table is printed at the end.
Exit status: 0 no crash and no hang, 1 otherwise, 2 bad usage.

Pinned projects (repository, commit, how the database is made):

  cpp-httplib  yhirose/cpp-httplib 6494edd8c03c55165825ae3078e2f55c595d8cb6
               generated: example/*.cc and test/*.cc (the bundled gtest),
               -std=c++17, OpenSSL, zlib and brotli support on
  trantor      an-tao/trantor 63a4e5e164e219dc3bf30cdbfa1462ae5602fa97
               cmake configure, -DBUILD_TESTING=ON (system GTest), OpenSSL,
               c-ares
  leveldb      google/leveldb 78a352f47ed6c1e9d750545e9b242289185b87e1
               cmake configure, -DCMAKE_CXX_STANDARD=17 (the code needs
               it), tests and benchmarks off (their
               third_party submodules are not in the checkout); the *_test.cc
               files and benchmarks/db_bench.cc are then added with the
               library's flags and the system gtest/gmock headers
  asio         boostorg/asio 5963b4690919e0a723ed2c0be434d16e8783303e
               generated: example/cpp11/**.cpp (-std=c++11) and
               example/cpp20/**.cpp (-std=c++20), the checkout's include/
               as -isystem (an installed library), the rest of Boost from
               Debian; example/cpp11/windows is left out (Windows only)
  beast        boostorg/beast 201105e66ab738bd8e027cff8c11ddd7cd5c7587
               (tag boost-1.74.0, the Beast of Debian 12's Boost; the
               develop branch needs a newer Boost.Core than Debian has)
               generated: example/**.cpp, -std=c++17, headers from Debian
  fiber        boostorg/fiber 238487b543e8863c647d31a82ccfc3fa11a960d9
               generated: examples/*.cpp and examples/asio/*.cpp,
               -std=c++17, the checkout's include/ as -isystem; examples/
               cuda, hip and numa are left out (CUDA/HIP toolkits, libnuma)

Debian 12 packages needed (apt-get install): clang-19, cmake, libssl-dev,
zlib1g-dev, libbrotli-dev, libc-ares-dev, libgtest-dev (gtest and gmock
headers), libboost1.74-dev, libboost-context1.74-dev,
libboost-fiber1.74-dev, libboost-thread1.74-dev, libboost-system1.74-dev,
libboost-coroutine1.74-dev, libboost-filesystem1.74-dev.
"""
import argparse
import glob
import json
import os
import shlex
import signal
import subprocess
import sys
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
BW = os.path.join(ROOT, "build", "driver", "blockwatch")
CXX = "/usr/bin/clang++-19"
RULES = ["blockwatch-blocking-on-event-loop", "blockwatch-blocking-under-lock",
         "blockwatch-lock-order-inversion", "blockwatch-read-without-deadline",
         "blockwatch-foreign-call-without-handoff",
         "blockwatch-channel-self-deadlock"]

PINNED = {
    "cpp-httplib": "6494edd8c03c55165825ae3078e2f55c595d8cb6",
    "trantor": "63a4e5e164e219dc3bf30cdbfa1462ae5602fa97",
    "leveldb": "78a352f47ed6c1e9d750545e9b242289185b87e1",
    "asio": "5963b4690919e0a723ed2c0be434d16e8783303e",
    "beast": "201105e66ab738bd8e027cff8c11ddd7cd5c7587",
    "fiber": "238487b543e8863c647d31a82ccfc3fa11a960d9",
}


def entry(directory, source, args):
    return {"directory": directory, "file": source,
            "arguments": [CXX] + args + ["-c", source, "-o", "/dev/null"]}


def files(src, patterns, exclude=()):
    out = []
    for p in patterns:
        out += glob.glob(os.path.join(src, p), recursive=True)
    out = sorted(set(os.path.abspath(f) for f in out))
    return [f for f in out
            if not any(os.path.relpath(f, src).startswith(e) for e in exclude)]


def cmake_configure(src, build, defs):
    os.makedirs(build, exist_ok=True)
    argv = ["cmake", "-S", src, "-B", build, "-G", "Unix Makefiles",
            "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
            "-DCMAKE_CXX_COMPILER=" + CXX, "-DCMAKE_C_COMPILER=/usr/bin/clang-19",
            "-DCMAKE_BUILD_TYPE=Debug"] + defs
    with open(os.path.join(build, "cmake.log"), "w") as log:
        subprocess.run(argv, check=True, stdout=log, stderr=subprocess.STDOUT,
                       timeout=600)
    with open(os.path.join(build, "compile_commands.json")) as f:
        return json.load(f)


def db_httplib(src, build):
    common = ["-std=c++17", "-pthread", "-I" + src,
              "-DCPPHTTPLIB_OPENSSL_SUPPORT", "-DCPPHTTPLIB_ZLIB_SUPPORT",
              "-DCPPHTTPLIB_BROTLI_SUPPORT"]
    db = [entry(os.path.join(src, "example"), f, common)
          for f in files(src, ["example/*.cc"])]
    test_args = common + ["-I" + os.path.join(src, "test"),
                          "-I" + os.path.join(src, "test", "gtest", "include"),
                          "-DCPPHTTPLIB_USE_NON_BLOCKING_GETADDRINFO"]
    db += [entry(os.path.join(src, "test"), f, test_args)
           for f in files(src, ["test/*.cc"])]
    return db


def db_trantor(src, build):
    return cmake_configure(src, build, ["-DBUILD_TESTING=ON",
                                        "-DTRANTOR_USE_TLS=openssl"])


def db_leveldb(src, build):
    # The sources need C++17 (std::is_standard_layout_v) though the
    # CMakeLists defaults to C++11.
    db = cmake_configure(src, build, ["-DLEVELDB_BUILD_TESTS=OFF",
                                      "-DLEVELDB_BUILD_BENCHMARKS=OFF",
                                      "-DCMAKE_CXX_STANDARD=17"])
    # The tests and db_bench with the flags of a library TU (same include
    # directories and defines), gtest/gmock from the system.
    lib = next(e for e in db if e["file"].endswith("db/db_impl.cc"))
    args = lib.get("arguments") or shlex.split(lib["command"])
    base = []
    skip = False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a in ("-c", "-o"):
            skip = a == "-o"
            continue
        if a.endswith("db_impl.cc"):
            continue
        base.append(a)
    have = {e["file"] for e in db}
    for f in files(src, ["**/*_test.cc", "benchmarks/db_bench.cc"],
                   exclude=("third_party",)):
        if f not in have:
            db.append(entry(lib["directory"], f, base))
    return db


def db_asio(src, build):
    inc = ["-isystem", os.path.join(src, "include"), "-pthread"]
    db = [entry(os.path.dirname(f), f, ["-std=c++11"] + inc)
          for f in files(src, ["example/cpp11/**/*.cpp"],
                         exclude=("example/cpp11/windows",))]
    db += [entry(os.path.dirname(f), f, ["-std=c++20"] + inc)
           for f in files(src, ["example/cpp20/**/*.cpp"])]
    return db


def db_beast(src, build):
    args = ["-std=c++17", "-pthread", "-I" + src]
    return [entry(os.path.dirname(f), f, args)
            for f in files(src, ["example/**/*.cpp"])]


def db_fiber(src, build):
    args = ["-std=c++17", "-pthread", "-isystem", os.path.join(src, "include")]
    return [entry(os.path.dirname(f), f, args)
            for f in files(src, ["examples/*.cpp", "examples/asio/*.cpp"])]


PROJECTS = {"cpp-httplib": db_httplib, "trantor": db_trantor,
            "leveldb": db_leveldb, "asio": db_asio, "beast": db_beast,
            "fiber": db_fiber}


def run_limited(argv, timeout, stdout, stderr, cwd=None):
    """Runs argv in its own process group; returns (status, wall, timed_out).
    status is the exit code, or -SIG for a signal."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, cwd=cwd, stdout=stdout, stderr=stderr,
                         start_new_session=True)
    try:
        p.wait(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        timed_out = True
    return p.returncode, time.monotonic() - t0, timed_out


def bw_argv(build, src, jobs, extra=()):
    return [BW, "-p", build, "--checks=blockwatch-*", "--format=json",
            "-j", str(jobs), "--srcroot=" + src] + list(extra)


def isolate(name, src, build, db, tu_timeout, outdir):
    """Every TU alone: which crash (exit 3 / signal) or hang."""
    bad = []
    for e in db:
        argv = bw_argv(build, src, 1) + [e["file"]]
        with open(os.devnull, "w") as dn, \
                open(os.path.join(outdir, "isolate.stderr"), "a") as err:
            err.write("== " + e["file"] + "\n")
            err.flush()
            rc, wall, to = run_limited(argv, tu_timeout, dn, err)
        if to or rc == 3 or rc < 0:
            bad.append({"file": os.path.relpath(e["file"], src),
                        "status": "hang" if to else ("signal %d" % -rc if rc < 0 else "exit 3"),
                        "wall_s": round(wall, 1),
                        "reproducer": " ".join(shlex.quote(a) for a in argv)})
    return bad


def run_project(name, src, out, jobs, timeout, tu_timeout):
    src = os.path.abspath(src)
    pdir = os.path.join(out, name)
    build = os.path.join(pdir, "build")
    os.makedirs(build, exist_ok=True)
    commit = subprocess.run(["git", "-C", src, "rev-parse", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    res = {"project": name, "checkout": src, "commit": commit,
           "pinned": PINNED[name], "pinned_match": commit == PINNED[name]}
    if commit != PINNED[name]:
        print("warning: %s is at %s, pinned %s" % (name, commit, PINNED[name]),
              file=sys.stderr)
    db = PROJECTS[name](src, build)
    with open(os.path.join(build, "compile_commands.json"), "w") as f:
        json.dump(db, f, indent=1)
    res["tus"] = len(db)
    report = os.path.join(pdir, "findings.json")
    argv = bw_argv(build, src, jobs, ["-o", report])
    res["command"] = " ".join(shlex.quote(a) for a in argv)
    if os.path.exists(report):
        os.remove(report)
    with open(os.path.join(pdir, "stderr.txt"), "w") as err:
        rc, wall, to = run_limited(argv, timeout, subprocess.DEVNULL, err, cwd=src)
    res.update(exit=rc, wall_s=round(wall, 1), hang=to,
               crash=(not to) and (rc == 3 or rc < 0))
    findings, errors = [], []
    if os.path.exists(report):
        try:
            with open(report) as f:
                rep = json.load(f)
            findings, errors = rep.get("findings", []), rep.get("errors", [])
        except ValueError as e:
            res["report_error"] = str(e)
    res["parse_failures"] = sorted({e.get("file", "?") for e in errors})
    res["findings"] = len(findings)
    res["per_rule"] = {r: sum(1 for x in findings if x["rule"] == r) for r in RULES}
    if res["hang"] or res["crash"]:
        res["culprits"] = isolate(name, src, build, db, tu_timeout, pdir)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("projects", nargs="+", metavar="NAME=CHECKOUT")
    ap.add_argument("--out", required=True)
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=1800,
                    help="wall-clock limit per project, seconds")
    ap.add_argument("--tu-timeout", type=float, default=300,
                    help="wall-clock limit per TU when isolating a crash or hang")
    a = ap.parse_args()
    todo = []
    for p in a.projects:
        name, _, path = p.partition("=")
        if name not in PROJECTS or not path:
            ap.error("expected NAME=CHECKOUT with NAME one of " + ", ".join(PROJECTS))
        todo.append((name, path))
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    summary = []
    sp = os.path.join(out, "summary.json")
    if os.path.exists(sp):
        with open(sp) as f:
            summary = [r for r in json.load(f) if r["project"] not in dict(todo)]
    for name, path in todo:
        print("== %s" % name, file=sys.stderr, flush=True)
        summary.append(run_project(name, path, out, a.j, a.timeout, a.tu_timeout))
        with open(sp, "w") as f:
            json.dump(summary, f, indent=1)
    short = {r: r.replace("blockwatch-", "") for r in RULES}
    print("%-12s %-8s %5s %6s %5s %5s %5s  %s" % ("project", "commit", "TUs", "wall", "exit",
                                                 "parse", "finds", "per rule"))
    for r in summary:
        per = ", ".join("%s %d" % (short[k], v) for k, v in r["per_rule"].items() if v)
        state = "HANG" if r["hang"] else ("CRASH" if r["crash"] else str(r["exit"]))
        print("%-12s %-8s %5d %6.1f %5s %5d %5d  %s" % (
            r["project"], r["commit"][:8], r["tus"], r["wall_s"], state,
            len(r["parse_failures"]), r["findings"], per))
        for c in r.get("culprits", []):
            print("    %s: %s  (%s)" % (c["status"], c["file"], c["reproducer"]))
    return 1 if any(r["hang"] or r["crash"] for r in summary) else 0


if __name__ == "__main__":
    sys.exit(main())
