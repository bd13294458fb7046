#!/usr/bin/env python3
"""A webhook receiver for tests/push.bats (Python 3, standard library only).

    receiver.py DIR [SECRET]

Listens on 127.0.0.1, on a port of the system's choosing, which it writes
to DIR/port once it listens.  Each request is one JSON line of DIR/log:
method, path, headers (names in lower case), body, and, with SECRET, the
Standard Webhooks verdict "valid" (true or false) on its signature.  The
answers come from DIR/script, one a line, consumed in order:

    500            answer 500
    429 7          answer 429 with Retry-After: 7 (any text after the status)
    sleep 5 200    wait 5 seconds, then answer 200
    drop           close the connection without an answer

and 200 once the script is exhausted (or when there is none).  With a
file DIR/delay, every answer waits that many seconds first.
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIR = sys.argv[1]
SECRET = sys.argv[2] if len(sys.argv) > 2 else None
LOCK = threading.Lock()


def next_answer():
    """The first line of the script, removed from it; None when none."""
    path = os.path.join(DIR, "script")
    with LOCK:
        try:
            with open(path) as f:
                lines = [l for l in f.read().splitlines() if l.strip()]
        except FileNotFoundError:
            return None
        if not lines:
            return None
        with open(path, "w") as f:
            f.write("".join(l + "\n" for l in lines[1:]))
        return lines[0].split()


def verify(headers, body):
    """The Standard Webhooks check, with Python's hmac."""
    key = SECRET[6:] if SECRET.startswith("whsec_") else SECRET
    msg = "%s.%s.%s" % (headers.get("webhook-id", ""),
                        headers.get("webhook-timestamp", ""), body)
    mac = hmac.new(base64.b64decode(key), msg.encode(), hashlib.sha256).digest()
    want = "v1," + base64.b64encode(mac).decode()
    return any(hmac.compare_digest(want, s)
               for s in headers.get("webhook-signature", "").split())


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keeps the connection: crm reuses it

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8", "replace")
        headers = {k.lower(): v for k, v in self.headers.items()}
        entry = {"method": self.command, "path": self.path,
                 "headers": headers, "body": body, "at": time.time()}
        if SECRET is not None:
            entry["valid"] = verify(headers, body)
        with LOCK:
            with open(os.path.join(DIR, "log"), "a") as f:
                f.write(json.dumps(entry) + "\n")
        try:
            with open(os.path.join(DIR, "delay")) as f:
                time.sleep(float(f.read()))
        except FileNotFoundError:
            pass
        words = next_answer() or ["200"]
        if words[0] == "sleep":
            time.sleep(float(words[1]))
            words = words[2:] or ["200"]
        if words[0] == "drop":
            self.close_connection = True
            return
        self.send_response(int(words[0]))
        if len(words) > 1:
            self.send_header("Retry-After", " ".join(words[1:]))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tmp = os.path.join(DIR, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, os.path.join(DIR, "port"))
    server.serve_forever()


if __name__ == "__main__":
    main()
