#!/usr/bin/env python3
"""A minimal LSP client for testing blockwatch-clangd.

Starts the server, opens one file, waits for its publishDiagnostics, asks
for the code actions of each diagnostic, and prints both in a stable form
for FileCheck:

  diagnostic: 5:3-5:30 warning [blockwatch-...] message
  action: 5:3 "fix title" -> 5:3-5:26 "replacement"

Usage: lsp-client.py [--timeout S] FILE -- SERVER [ARGS...]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import threading
import queue


class Server:
    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.inbox = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.inbox.put(json.loads(out.read(length)))

    def send(self, message):
        body = json.dumps(dict(jsonrpc="2.0", **message)).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method, params):
        self.send(dict(method=method, params=params))

    def request(self, method, params, timeout):
        ident = self.next_id
        self.next_id += 1
        self.send(dict(id=ident, method=method, params=params))
        reply = self.wait(lambda m: m.get("id") == ident and "method" not in m,
                          timeout, method)
        if "error" in reply:
            sys.exit("lsp-client: %s failed: %s" % (method, reply["error"]))
        return reply["result"]

    def wait(self, wanted, timeout, what):
        while True:
            try:
                message = self.inbox.get(timeout=timeout)
            except queue.Empty:
                sys.exit("lsp-client: timed out waiting for %s" % what)
            if message is None:
                sys.exit("lsp-client: server exited while waiting for %s" % what)
            if "method" in message and "id" in message:
                # A request from the server (e.g. progress tokens): accept it.
                self.send(dict(id=message["id"], result=None))
                continue
            if wanted(message):
                return message


def position(p):
    return "%d:%d" % (p["line"] + 1, p["character"] + 1)


def span(r):
    return "%s-%s" % (position(r["start"]), position(r["end"]))


SEVERITY = {1: "error", 2: "warning", 3: "info", 4: "hint"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("file")
    parser.add_argument("server", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    server_argv = args.server[1:] if args.server[:1] == ["--"] else args.server

    path = pathlib.Path(args.file).resolve()
    uri = path.as_uri()
    server = Server(server_argv)
    server.request("initialize", {
        "processId": os.getpid(),
        "rootUri": path.parent.as_uri(),
        "capabilities": {"textDocument": {
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {
                "valueSet": ["quickfix"]}}},
            "publishDiagnostics": {"relatedInformation": True}}},
    }, args.timeout)
    server.notify("initialized", {})
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "cpp", "version": 1,
        "text": path.read_text()}})
    published = server.wait(
        lambda m: m.get("method") == "textDocument/publishDiagnostics"
        and m["params"]["uri"] == uri, args.timeout, "publishDiagnostics")
    diagnostics = published["params"]["diagnostics"]
    for d in diagnostics:
        print("diagnostic: %s %s [%s] %s" % (
            span(d["range"]), SEVERITY.get(d.get("severity"), "?"),
            d.get("code", ""), d["message"].replace("\n", " | ")))
    for d in diagnostics:
        actions = server.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": d["range"],
            "context": {"diagnostics": [d], "only": ["quickfix"]}},
            args.timeout)
        for a in actions or []:
            edits = a.get("edit", {}).get("changes", {}).get(uri, [])
            for e in edits:
                print('action: %s "%s" -> %s "%s"' % (
                    position(d["range"]["start"]), a["title"],
                    span(e["range"]), e["newText"]))
    server.request("shutdown", None, args.timeout)
    server.notify("exit", None)
    try:
        return server.proc.wait(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        sys.exit("lsp-client: server did not exit")


if __name__ == "__main__":
    sys.exit(main())
