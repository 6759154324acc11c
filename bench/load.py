"""Load from another process: wrk for saturating runs, a small asyncio client for paced ones.

Every request asks for gzip, as a browser does. Queries per request come from the server's
`X-Bench-Queries` header (bench.middleware), read off single probes for wrk runs and off every
response in paced runs.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

WRK_SCRIPT = """
wrk.method = "%(method)s"
wrk.body = %(body)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nBENCH {"requests":%%d,"duration_us":%%d,"bytes":%%d,"socket_errors":%%d,'
    .. '"status_errors":%%d,"timeouts":%%d,"p50":%%d,"p95":%%d,"p99":%%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
"""


@dataclass
class Figures:
    """One row's measurements. Times in milliseconds; `rate` in requests per second."""

    rate: float
    p50: float
    p95: float
    p99: float
    errors: int
    requests: int
    queries: float | None = None
    kilobytes: float | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Client:
    """Who is asking: a session cookie (or none), the CSRF secret, and the server."""

    base: str
    session: str = ""
    csrf: str = ""
    # The live poll's pass (meetings/live_pass.py), as a browser keeps it from a full poll.
    live_pass: str = ""

    def headers(self, *, write: bool = False) -> dict[str, str]:
        headers = {"Accept-Encoding": "gzip", "Accept": "text/html"}
        cookies = []
        if self.session:
            cookies.append(f"sessionid={self.session}")
        if self.csrf:
            cookies.append(f"csrftoken={self.csrf}")
        if self.live_pass:
            cookies.append(f"live_pass={self.live_pass}")
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        if write:
            headers["X-CSRFToken"] = self.csrf
            headers["HX-Request"] = "true"
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return headers


PROBE_TIMEOUT = 300


def probe(client: Client, path: str, *, method: str = "GET", body: str = "") -> dict:
    """One request: status, queries, bytes on the wire, milliseconds."""
    parts = urlsplit(client.base)
    # Long enough for a saturated server to work through what wrk left queued (32 requests of a
    # slow page on 2 workers) before it reaches this one.
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=PROBE_TIMEOUT)
    started = time.perf_counter()
    connection.request(
        method, path, body=body or None, headers=client.headers(write=method == "POST")
    )
    response = connection.getresponse()
    content = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    return {
        "status": response.status,
        "queries": int(response.getheader("X-Bench-Queries", "0")),
        "bytes": len(content),
        "ms": elapsed,
        "encoding": response.getheader("Content-Encoding", ""),
        "vary": response.getheader("Vary", ""),
        "version": response.getheader("X-Live-Version", ""),
        "live_pass": live_pass_from(response.msg.get_all("Set-Cookie") or []),
    }


def live_pass_from(set_cookies: list[str]) -> str:
    """The live poll's pass from a response's Set-Cookie headers, or ''."""
    for header in set_cookies:
        name, _, rest = header.partition("=")
        if name.strip() == "live_pass":
            return rest.split(";", 1)[0]
    return ""


def wrk(
    client: Client,
    path: str,
    *,
    seconds: float,
    connections: int = 32,
    threads: int = 2,
    method: str = "GET",
    body: str = "",
) -> Figures:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"method": method, "body": json.dumps(body) if body else "nil"})
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    command += ["--timeout", "10s", "-s", script.name]
    for name, value in client.headers(write=method == "POST").items():
        command += ["-H", f"{name}: {value}"]
    command.append(client.base + path)
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        Path(script.name).unlink()
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    data = json.loads(line[len("BENCH ") :])
    duration = data["duration_us"] / 1e6
    return Figures(
        rate=data["requests"] / duration,
        p50=data["p50"] / 1000,
        p95=data["p95"] / 1000,
        p99=data["p99"] / 1000,
        errors=data["socket_errors"] + data["status_errors"] + data["timeouts"],
        requests=data["requests"],
        kilobytes=data["bytes"] / max(1, data["requests"]) / 1024,
    )


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    if not samples:
        return (0.0, 0.0, 0.0)
    if len(samples) == 1:
        return (samples[0],) * 3
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return (cuts[49], cuts[94], cuts[98])


# -- A paced asyncio client ------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    size: int
    started: float
    ended: float
    cookies: tuple[str, ...] = ()  # every Set-Cookie header (the dict keeps one per name)

    @property
    def ms(self) -> float:
        return (self.ended - self.started) * 1000

    @property
    def queries(self) -> int:
        return int(self.headers.get("x-bench-queries", "0"))


def request_bytes(client: Client, path: str, *, method: str = "GET", body: str = "") -> bytes:
    """One HTTP/1.1 request, whole, as it goes on the wire (a paced caller builds it once and
    sends it again while nothing in it changes)."""
    parts = urlsplit(client.base)
    payload = body.encode()
    lines = [f"{method} {path} HTTP/1.1", f"Host: {parts.hostname}:{parts.port}"]
    lines += [f"{name}: {value}" for name, value in client.headers(write=method == "POST").items()]
    lines += [f"Content-Length: {len(payload)}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode() + payload


# How long connect() may hold the loop before the wait moves into the loop (loopback: microseconds).
CONNECT_WAIT = 0.005


async def send(address: tuple[str, int], request: bytes) -> Reply:
    """Send a built request on a connection of its own and read the answer to the end.

    gunicorn's sync workers answer one request a connection and close it, so there is no
    keep-alive to use; what this saves is the client's own CPU, which shares the machine's
    cores with the server: a bare non-blocking socket driven by the loop's sock_* calls (no
    transport, protocol or stream objects per request), and of the answer only the status line
    and the headers are decoded (the body is counted, not parsed)."""
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # Connected and sent in one go, without a turn of the loop in between: on loopback the
        # handshake completes within connect(), and a sync worker that accepts the connection
        # then waits, blocked, for the request; a request that followed a turn of a busy loop
        # left the worker idle meanwhile (0.5 to 0.7 of wrk's rate on the plain control).
        sock.settimeout(CONNECT_WAIT)
        try:
            sock.connect(address)
        except TimeoutError:  # a full accept queue: wait for it in the loop
            sock.setblocking(False)
            await loop.sock_connect(sock, address)
        sock.setblocking(False)
        await loop.sock_sendall(sock, request)
        chunks = []
        while chunk := await loop.sock_recv(sock, 65536):
            chunks.append(chunk)
    finally:
        sock.close()
    ended = time.monotonic()
    raw = b"".join(chunks)
    head, _, content = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers, cookies = {}, []
    for header in header_lines:
        name, _, value = header.partition(":")
        name, value = name.strip().lower(), value.strip()
        headers[name] = value
        if name == "set-cookie":
            cookies.append(value)
    return Reply(int(status_line.split()[1]), headers, len(content), started, ended, tuple(cookies))


def address_of(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return (parts.hostname, parts.port)


async def fetch(client: Client, path: str, *, method: str = "GET", body: str = "") -> Reply:
    """One HTTP/1.1 request on its own connection (gunicorn's sync workers close it anyway)."""
    return await send(
        address_of(client.base), request_bytes(client, path, method=method, body=body)
    )
