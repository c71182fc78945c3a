#!/usr/bin/env python3
"""outside-tree.py DIR CMD...: copies DIR to a fresh temporary directory
outside the build tree and runs CMD there, returning its exit status.

-p looks for compile_commands.json in the build directory's parents too, and
lit's output directory lies inside blockwatch's own build tree, which has
one; a test of a missing or invalid database must run where no parent has
one."""
import os
import shutil
import subprocess
import sys
import tempfile

src, cmd = sys.argv[1], sys.argv[2:]
tmp = tempfile.mkdtemp(prefix="bw-outside-")
try:
    d = os.path.dirname(tmp)
    while True:
        if os.path.exists(os.path.join(d, "compile_commands.json")):
            sys.stderr.write("outside-tree: %s has a compile_commands.json\n" % d)
            sys.exit(125)
        if os.path.dirname(d) == d:
            break
        d = os.path.dirname(d)
    work = os.path.join(tmp, "w")
    shutil.copytree(src, work)
    sys.exit(subprocess.call(cmd, cwd=work))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
