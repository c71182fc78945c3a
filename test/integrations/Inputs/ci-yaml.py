#!/usr/bin/env python3
"""Reads the CI files of integrations/ for tests.

  ci-yaml.py github WORKFLOW             summary of the workflow, for FileCheck
  ci-yaml.py github-run WORKFLOW STEP_ID runs that step's script with bash
                                         (as GitHub does: -eo pipefail) and
                                         the job's and step's env
  ci-yaml.py gitlab FILE JOB             prints the job's script lines
"""
import os
import subprocess
import sys

import yaml


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def github(path):
    doc = load(path)
    # YAML 1.1 reads the key 'on' as true.
    triggers = doc.get("on", doc.get(True))
    print("name:", doc["name"])
    print("on:", " ".join(sorted(triggers)))
    for perm, value in sorted(doc.get("permissions", {}).items()):
        print("permission: %s=%s" % (perm, value))
    for name, job in doc["jobs"].items():
        print("job:", name, job["runs-on"])
        for step in job["steps"]:
            if "uses" in step:
                print("  uses:", step["uses"],
                      " ".join("%s=%s" % kv for kv in sorted(step.get("with", {}).items())))
            else:
                print("  run:", step.get("id", step["name"]))


def github_run(path, step_id):
    doc = load(path)
    for job in doc["jobs"].values():
        for step in job["steps"]:
            if step.get("id") == step_id:
                env = dict(os.environ)
                for source in (job.get("env", {}), step.get("env", {})):
                    env.update({k: str(v) for k, v in source.items()})
                return subprocess.call(
                    ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                     step["run"]], env=env)
    sys.exit("ci-yaml: no step with id '%s'" % step_id)


def gitlab(path, job):
    for line in load(path)[job]["script"]:
        print(line)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "github":
        github(sys.argv[2])
    elif command == "github-run":
        sys.exit(github_run(sys.argv[2], sys.argv[3]))
    elif command == "gitlab":
        gitlab(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
