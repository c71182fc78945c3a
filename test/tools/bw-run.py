#!/usr/bin/env python3
"""Runs one file through a blockwatch front end for lit tests.

  bw-run.py tidy   RULES FILE -- COMPILER_ARGS   stock clang-tidy + the plugin
  bw-run.py driver RULES FILE -- COMPILER_ARGS   the blockwatch driver

Both print clang-style diagnostics on stdout, so one set of CHECK lines holds
for both. Exit status 0 means the tool ran (with or without findings); a
crash, a configuration error or a parse error fails the test.
"""
import os
import subprocess
import sys


def main():
    mode, rules, path = sys.argv[1], sys.argv[2], sys.argv[3]
    rest = sys.argv[4:]
    extra = []
    if "--" in rest:
        i = rest.index("--")
        extra, rest = rest[:i], rest[i + 1:]
    if mode == "tidy":
        cmd = [os.environ["BW_CLANG_TIDY"], "--load=" + os.environ["BW_PLUGIN"],
               "--checks=-*," + rules, "--quiet"] + extra + [path, "--"] + rest
        ok = (0,)
    else:
        cmd = [os.environ["BW_DRIVER"], "--checks=-*," + rules] + extra + \
              [path, "--"] + rest
        ok = (0, 1)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    sys.stdout.write(p.stdout)
    # clang-tidy's summary lines are noise; anything else on stderr matters.
    for line in p.stderr.splitlines():
        if line.endswith("warnings generated.") or line.endswith("warning generated."):
            continue
        sys.stderr.write(line + "\n")
    if p.returncode not in ok:
        sys.stderr.write("bw-run: %s exited with %d\n" % (cmd[0], p.returncode))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
