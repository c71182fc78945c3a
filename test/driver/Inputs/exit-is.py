#!/usr/bin/env python3
"""exit-is.py N CMD...: runs CMD with this process's stdin/stdout/stderr and
succeeds only if it exits with status N (lit's 'not' accepts any failure)."""
import subprocess
import sys

want = int(sys.argv[1])
got = subprocess.call(sys.argv[2:])
if got != want:
    sys.stderr.write("exit-is: %s exited with %d, expected %d\n"
                     % (sys.argv[2], got, want))
    sys.exit(1)
