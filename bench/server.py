#!/usr/bin/env python3
"""The benchmark's HTTP/1.1 server, on 127.0.0.1 (Python 3 standard library only).

One thread per connection, keep-alive, TCP_NODELAY on every connection, and each answer's headers
and body leave in one send (a server that writes them separately, without TCP_NODELAY, adds about
40 ms per request on a reused connection: delayed ACK against Nagle).

Routes (any query string is ignored unless named):
  /ok              200, a small body
  /503             503 Service Unavailable, always
  /slow            200 after 50 ms (/slow?i=N gives distinct URLs)
  /big?mb=N        200, N MB (10^6 bytes) of filler, then MARKER, streamed in 1 MB sends
  /stats           JSON: requests per route since the last /reset (the benchmark's own calls
                   are not counted)
  /reset           zero the counts

Usage: server.py [--port N]   prints "listening 127.0.0.1:PORT" once it accepts connections.
"""

import argparse
import json
import socket
import socketserver
import sys
import threading
import time
from urllib.parse import parse_qs, urlsplit

MARKER = b"UPCHECK-BENCH-END-OF-BODY"
MB = 1_000_000
SLOW_SECONDS = 0.05
FILLER = memoryview(b"." * MB)

REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 503: "Service Unavailable"}

counts = {}
counts_lock = threading.Lock()


def count(route):
    with counts_lock:
        counts[route] = counts.get(route, 0) + 1


def head(status, length, extra=""):
    return (
        f"HTTP/1.1 {status} {REASONS[status]}\r\n"
        f"Content-Type: text/plain\r\n"
        f"Content-Length: {length}\r\n"
        f"{extra}\r\n"
    ).encode("ascii")


def simple(status, body, extra=""):
    return head(status, len(body), extra) + body


class Handler(socketserver.StreamRequestHandler):
    disable_nagle_algorithm = True  # TCP_NODELAY
    rbufsize = 64 * 1024

    def handle(self):
        sock = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return
            parts = line.decode("latin-1").split()
            if len(parts) != 3:
                sock.sendall(simple(400, b"bad request\n", "Connection: close\r\n"))
                return
            method, target, version = parts
            keep_alive = version == "HTTP/1.1"
            length = 0
            while True:
                header = self.rfile.readline(65536)
                if header in (b"\r\n", b"\n", b""):
                    break
                name, _, value = header.decode("latin-1").partition(":")
                name, value = name.strip().lower(), value.strip().lower()
                if name == "connection":
                    keep_alive = value != "close" if version == "HTTP/1.1" else value == "keep-alive"
                elif name == "content-length":
                    length = int(value or 0)
            if length:
                self.rfile.read(length)
            self.answer(sock, method, target)
            if not keep_alive:
                return

    def answer(self, sock, method, target):
        url = urlsplit(target)
        route = url.path
        with_body = method != "HEAD"
        if route == "/ok":
            count(route)
            out = simple(200, b"ok\n")
        elif route == "/503":
            count(route)
            out = simple(503, b"unavailable\n")
        elif route == "/slow":
            count(route)
            time.sleep(SLOW_SECONDS)
            out = simple(200, b"slow ok\n")
        elif route == "/big":
            count(route)
            mb = int(parse_qs(url.query).get("mb", ["200"])[0])
            total = mb * MB + len(MARKER)
            if not with_body:
                sock.sendall(head(200, total))
                return
            # The headers travel with the first MB, the marker with the last.
            if mb == 0:
                sock.sendall(head(200, total) + MARKER)
                return
            sock.sendall(head(200, total) + bytes(FILLER) + (MARKER if mb == 1 else b""))
            for _ in range(1, mb - 1):
                sock.sendall(FILLER)
            if mb > 1:
                sock.sendall(bytes(FILLER) + MARKER)
            return
        elif route == "/stats":
            with counts_lock:
                body = json.dumps(counts, sort_keys=True).encode() + b"\n"
            out = simple(200, body)
        elif route == "/reset":
            with counts_lock:
                counts.clear()
            out = simple(200, b"reset\n")
        else:
            out = simple(404, b"not found\n")
        if not with_body:
            out = out[: out.index(b"\r\n\r\n") + 4]
        sock.sendall(out)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # socketserver's default of 5 drops SYNs under 64 concurrent connects

    def handle_error(self, request, client_address):
        # A client that hangs up mid-answer (a matcher that stops reading) is not news.
        if isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with Server(("127.0.0.1", args.port), Handler) as server:
        print(f"listening 127.0.0.1:{server.server_address[1]}", flush=True)
        try:
            server.serve_forever(poll_interval=0.1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
