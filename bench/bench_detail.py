"""Benchmark (c): the entity detail page /entities/<uscc>/ served by gunicorn, as a district user.

    python bench/bench_detail.py [--rate 200] [--duration 20] [--concurrency 8] [--profile]

Starts ``gunicorn zhijian.wsgi --workers 2 --threads 4`` on a free port of 127.0.0.1 (production
settings: SECRET_KEY set, ZHIJIAN_SSL_REDIRECT=0, DATABASE_URL = the bench database, ZHIJIAN_VAR in
bench/out/), logs in through the real login form as a 鄞州 district user, and drives it from
threads with keep-alive ``http.client`` connections, loopback only. Every phase is bounded in time
and the server is stopped at the end.

Phases, in one run:

1. open loop at ``--rate`` requests/s for ``--duration`` s on the detail page (latency counted from
   each request's scheduled start, so a stalled server is not hidden), then the same on the
   baseline ``GET /login/`` (a template render through the whole middleware stack);
2. closed loop with ``--concurrency`` connections for ``--duration`` s: the most the server gives,
   on the detail page, ``GET /login/`` and a static file (WhiteNoise).

Target: >= 200 requests/s on the detail page with p99 <= 200 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

TARGET_RPS = 200
TARGET_P99_MS = 200
HOST = "127.0.0.1"
PASSWORD = "bench-password-2026"
USER = "bench-yinzhou"


def server_env() -> dict:
    env = dict(os.environ)
    env.update(
        ZHIJIAN_MODE="production",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ZHIJIAN_SSL_REDIRECT="0",
        DATABASE_URL=C.database_url(),
        ZHIJIAN_VAR=str(C.OUT / "var"),
        ALLOWED_HOSTS="127.0.0.1",
        ZHIJIAN_LOG_LEVEL="WARNING",
    )
    env.pop("ZHIJIAN_DEBUG", None)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, port: int, cookie: str = "", close: bool = False):
        self.port, self.cookie, self.close = port, cookie, close
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes, http.client.HTTPResponse]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            try:
                h = {"Cookie": self.cookie} if self.cookie else {}
                if self.close:
                    h["Connection"] = "close"
                self.conn.request("GET", path, headers=h | (headers or {}))
                resp = self.conn.getresponse()
                body = resp.read()
                if self.close or resp.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return resp.status, body, resp
            except (OSError, http.client.HTTPException):
                if self.conn:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def login(port: int) -> str:
    """Log in through the form; return the Cookie header value carrying the session."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", "/login/")
    resp = conn.getresponse()
    html = resp.read().decode()
    cookies = dict(c.split(";", 1)[0].split("=", 1) for c in resp.msg.get_all("Set-Cookie") or [] if "=" in c)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = f"username={USER}&password={PASSWORD}&csrfmiddlewaretoken={token}&next=/"
    conn.request(
        "POST",
        "/login/",
        body=body.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
        },
    )
    resp = conn.getresponse()
    resp.read()
    for c in resp.msg.get_all("Set-Cookie") or []:
        name, _, rest = c.partition("=")
        if name == "sessionid":
            cookies["sessionid"] = rest.split(";", 1)[0]
    conn.close()
    if resp.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"login failed: HTTP {resp.status}")
    return f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"


def _check(path: str, status: int, body: bytes, expect: bytes | None) -> bool:
    return status == 200 and (expect is None or expect in body)


def open_loop(port, cookie, paths, rate, duration, workers=48, expect=None, close=False):
    """Requests at fixed start times (rate/s); latency from each one's scheduled start."""
    total = int(rate * duration)
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    start = time.perf_counter() + 0.2
    hard_stop = start + duration + 30  # never run on past this, whatever the server does

    def worker():
        client = Client(port, cookie, close)
        while True:
            with lock:
                i = next(counter)
            if i >= total:
                return
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            if time.perf_counter() > hard_stop:
                with lock:
                    errors[0] += 1
                continue
            path = paths[i % len(paths)]
            try:
                status, body, _ = client.get(path)
                ok = _check(path, status, body, expect(path) if expect else None)
            except (OSError, http.client.HTTPException):
                ok = False
            done = time.perf_counter()
            with lock:
                latencies.append(done - scheduled)
                if not ok:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "elapsed": elapsed,
        "rps": len(latencies) / elapsed,
    } | C.summary_ms(latencies)


def closed_loop(port, cookie, paths, concurrency, duration, expect=None, close=False):
    """``concurrency`` connections each sending its next request as soon as the last answered."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    counter = itertools.count()
    start = time.perf_counter()
    deadline = start + duration

    def worker():
        client = Client(port, cookie, close)
        while time.perf_counter() < deadline:
            with lock:
                i = next(counter)
            path = paths[i % len(paths)]
            t = time.perf_counter()
            try:
                status, body, _ = client.get(path)
                ok = _check(path, status, body, expect(path) if expect else None)
            except (OSError, http.client.HTTPException):
                ok = False
            done = time.perf_counter()
            with lock:
                latencies.append(done - t)
                if not ok:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "elapsed": elapsed,
        "rps": len(latencies) / elapsed,
    } | C.summary_ms(latencies)


@contextlib.contextmanager
def serve(env: dict, workers: int, threads: int):
    """gunicorn on a free loopback port, up and answering; stopped (its whole group) on exit."""
    port = free_port()
    log = (C.OUT / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
        [
            str(C.ROOT / ".venv/bin/gunicorn"),
            "zhijian.wsgi",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=C.ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 30
        while True:
            try:
                status, _, _ = Client(port).get("/login/")
                if status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit("!! gunicorn did not come up; see bench/out/gunicorn.log")
            time.sleep(0.3)
        yield server, port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def collect_static(env: dict) -> bool:
    """collectstatic into bench/out/var/static; whether the manifest has the site's own CSS."""
    static = C.OUT / "var" / "static"
    if static.exists():
        shutil.rmtree(static)
    subprocess.run(  # noqa: S603
        [str(C.ROOT / ".venv/bin/zhijian"), "collectstatic", "--noinput", "--verbosity", "0"],
        env=env,
        check=True,
        cwd=C.ROOT,
    )
    manifest = json.loads((static / "staticfiles.json").read_text())
    return "zhijian/site.css" in manifest.get("paths", {})


def line(label: str, r: dict) -> str:
    return (
        f"  {label:<34} {r['rps']:7.1f} req/s  p50 {r['p50']:6.1f}  p95 {r['p95']:6.1f}  "
        f"p99 {r['p99']:6.1f}  max {r['max']:7.1f} ms  ({r['requests']} req, {r['errors']} errors)"
    )


def in_process_profile(user, usccs: list[str]) -> dict:
    """The detail view through Django's test client in this process: queries and time per request."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST=HOST)
    client.force_login(user)
    client.get(f"/entities/{usccs[0]}/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/entities/{usccs[1]}/")
    assert response.status_code == 200, response.status_code
    sql = [q["sql"][:160] for q in ctx.captured_queries]  # before the next request resets the log
    times = []
    for uscc in usccs[:300]:
        t = time.perf_counter()
        client.get(f"/entities/{uscc}/")
        times.append(time.perf_counter() - t)
    return {"queries": len(sql), "sql": sql} | C.summary_ms(times)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=TARGET_RPS)
    parser.add_argument("--sweep", default="100,150", help="lower open-loop rates to try first, 10 s each")
    parser.add_argument(
        "--connections", type=int, default=32, help="client keep-alive connections, open loop"
    )
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--profile", action="store_true", help="py-spy the workers in the saturation phase")
    args = parser.parse_args()

    C.django_setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from zhijian.core.models import Jurisdiction, Role, User
    from zhijian.registry.models import Entity

    entities = Entity.objects.count()
    C.banner(f"detail page: {entities:,} entities in {C.BENCH_DB}")
    if not entities:
        print("!! the bench register is empty: run bench_import.py first")
        return 2
    user = User.objects.filter(username=USER).first() or User(username=USER)
    user.role, user.jurisdiction = Role.DISTRICT, Jurisdiction.objects.get(code="330212")
    # Hashed as production mode hashes (the test mode's hasher is not one production accepts).
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save()
    district = list(
        Entity.objects.filter(jurisdiction__code="330212").order_by("id").values_list("uscc", flat=True)
    )
    step = max(1, len(district) // 2000)
    usccs = district[::step][:2000]
    paths = [f"/entities/{u}/" for u in usccs]
    print(f"{len(usccs)} 鄞州 entities of {len(district):,}, every {step}th by id")

    results: dict = {}
    profile = in_process_profile(user, usccs)
    results["in_process"] = profile
    print(
        f"in-process (Django test client, no HTTP): {profile['queries']} SQL queries/request, {C.fmt_ms(profile)}"
    )

    env = server_env()
    if not collect_static(env):
        print("!! collectstatic left zhijian/site.css out of the manifest: every page would answer 500")
        return 1
    with serve(env, args.workers, args.threads) as (server, port):
        cookie = login(port)
        status, body, _ = Client(port, cookie).get(paths[0])
        assert status == 200 and usccs[0].encode() in body, (status, body[:300])
        status, _, _ = Client(port).get("/static/zhijian/site.css")
        assert status == 200, status
        print(
            f"gunicorn pid {server.pid} on {HOST}:{port}, {args.workers} workers x {args.threads} threads; logged in as {USER}"
        )

        def expect(path: str) -> bytes | None:
            return path.rsplit("/", 2)[-2].encode() if path.startswith("/entities/") else None

        closed_loop(port, cookie, paths[-200:], 8, 5.0)  # warm-up: both workers, their DB connections
        print(f"\n[open loop: requests scheduled at a fixed rate, {args.connections} keep-alive connections]")
        for rate in [float(r) for r in args.sweep.split(",") if r]:
            r = open_loop(port, cookie, paths, rate, 10.0, workers=args.connections, expect=expect)
            results[f"open_detail_{rate:.0f}"] = r
            print(line(f"detail at {rate:.0f}/s for 10 s", r), flush=True)
        results["open_detail"] = open_loop(
            port, cookie, paths, args.rate, args.duration, workers=args.connections, expect=expect
        )
        print(
            line(f"detail at {args.rate:.0f}/s for {args.duration:.0f} s", results["open_detail"]), flush=True
        )
        results["open_login"] = open_loop(
            port, "", ["/login/"], args.rate, args.duration, workers=args.connections
        )
        print(line(f"baseline /login/ at {args.rate:.0f}/s", results["open_login"]), flush=True)

        print(f"\n[closed loop, {args.concurrency} connections for {args.duration:.0f} s: capacity]")
        spy = None
        if args.profile:
            spy = subprocess.Popen(  # noqa: S603
                [
                    str(C.ROOT / ".venv/bin/py-spy"),
                    "record",
                    "--pid",
                    str(server.pid),
                    "--subprocesses",
                    "--idle",
                    "--rate",
                    "100",
                    "--format",
                    "raw",
                    "--duration",
                    str(int(args.duration)),
                    "-o",
                    str(C.OUT / "detail-workers.raw"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        results["closed_detail"] = closed_loop(
            port, cookie, paths, args.concurrency, args.duration, expect=expect
        )
        print(line("detail (district user)", results["closed_detail"]), flush=True)
        if spy:
            spy.wait(timeout=60)
            print(f"  py-spy profile of the workers: {C.OUT / 'detail-workers.raw'}")
        results["closed_login"] = closed_loop(port, "", ["/login/"], args.concurrency, args.duration)
        print(line("baseline GET /login/", results["closed_login"]), flush=True)
        results["closed_static"] = closed_loop(
            port, "", ["/static/zhijian/site.css"], args.concurrency, min(args.duration, 10)
        )
        print(line("baseline GET static site.css", results["closed_static"]), flush=True)

    od = results["open_detail"]
    met = od["rps"] >= TARGET_RPS * 0.98 and od["p99"] <= TARGET_P99_MS and od["errors"] == 0
    print(f"load average after: {C.machine()['loadavg']}")
    print(
        f"\ntarget >= {TARGET_RPS} req/s at p99 <= {TARGET_P99_MS} ms: "
        f"{'MET' if met else 'MISSED'} (achieved {od['rps']:.1f} req/s, p99 {od['p99']:.1f} ms, {od['errors']} errors)"
    )
    C.record(
        "detail",
        {
            "entities": entities,
            "rate": args.rate,
            "duration": args.duration,
            "concurrency": args.concurrency,
            "gunicorn": f"--workers {args.workers} --threads {args.threads}",
            "results": results,
            "target_met": met,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
