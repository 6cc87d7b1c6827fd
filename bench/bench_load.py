"""Load and fault test (issue 15, item 7): mixed pages and API as the demo roles, with a PostgreSQL restart.

    python bench/bench_load.py                 # 200 req/s for 300 s, PostgreSQL restarted at 150 s
    python bench/bench_load.py --smoke         # 20 req/s for 30 s, restart at 12 s, 1,000 entities
    python bench/bench_load.py --restart-at 0  # no restart

Loopback only, bounded in time, and it restarts no database but its own: it creates a private
PostgreSQL cluster (initdb into a temporary directory, 127.0.0.1 on a free port, run as the
``postgres`` user when started by root), loads the demo (``zhijian demo --count N``: the demo
accounts of every role), serves the platform with gunicorn (production settings) on a free port of
127.0.0.1, and runs ``zhijian worker`` with a probe subscriber (bench/load_worker.py). Then:

1. baseline: a static file at the same rate for a few seconds (the server's floor, same process);
2. the mixed load, open loop at ``--rate`` for ``--duration`` s, each request as one of the demo
   roles (public pages, district and city staff pages, an inspector, an enterprise, API token calls);
   latency counts from each request's scheduled start, so a stall is not hidden;
3. meanwhile an event producer commits one ``bench.load_probe`` event every 0.1 s through the outbox;
4. at ``--restart-at`` s, ``pg_ctl restart -m fast`` of the private cluster.

It reports p50/p95/p99 outside the fault window, the failed requests in it (how fast they failed,
how long after PostgreSQL was back the last one came), and the events: every committed one must be
delivered by the worker, which must still be running. Exit status 1 when the bar is not met: an
error outside the fault window, a failure slower than 5 s, recovery later than 30 s after
PostgreSQL is ready, an event lost or undelivered, or a dead worker.
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
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

HOST = "127.0.0.1"
PG_BIN = Path(os.environ.get("BENCH_PG_BIN", "/usr/lib/postgresql/15/bin"))
LOAD_DB = "zhijian_loadbench"
FAIL_FAST_S = 5.0
RECOVERY_S = 30.0
BENCH_DIR = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class PrivateCluster:
    """A throwaway PostgreSQL cluster of this run only: the one thing the fault phase restarts."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="zhijian-loadpg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.log = self.root / "postgres.log"

    def _run(self, *cmd: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *cmd], check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        self.start()

    def start(self) -> None:
        options = f"-c listen_addresses={HOST} -c port={self.port} -c unix_socket_directories={self.root}"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start"
        )

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/{db}"

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


class Client:
    """One keep-alive connection of one role; reconnects after an error."""

    def __init__(self, port: int, headers: dict):
        self.port, self.headers = port, headers
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str) -> int:
        """The response status; a keep-alive connection the server closed while idle is reopened once,
        as a browser does."""
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            try:
                self.conn.request("GET", path, headers=self.headers)
                resp = self.conn.getresponse()
                resp.read()
                return resp.status
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if not reused or attempt == 2:
                    raise
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                raise
        raise AssertionError("unreachable")


def login(port: int, username: str, password: str) -> dict:
    """Log in through the form as a person would; the headers that carry the session."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", "/login/")
    resp = conn.getresponse()
    html = resp.read().decode()
    cookies = dict(c.split(";", 1)[0].split("=", 1) for c in resp.msg.get_all("Set-Cookie") or [])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = f"username={username}&password={password}&csrfmiddlewaretoken={token}&next=/"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookies['csrftoken']}",
    }
    conn.request("POST", "/login/", body=body.encode(), headers=headers)
    resp = conn.getresponse()
    resp.read()
    for c in resp.msg.get_all("Set-Cookie") or []:
        name, _, rest = c.partition("=")
        cookies[name] = rest.split(";", 1)[0]
    conn.close()
    if resp.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"login of {username} failed: HTTP {resp.status}")
    return {"Cookie": f"sessionid={cookies['sessionid']}"}


def api_token(port: int, username: str, password: str) -> dict:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    body = json.dumps({"username": username, "password": password})
    conn.request("POST", "/api/v1/auth/token", body=body, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    data = json.loads(resp.read())
    conn.close()
    if resp.status != 200:
        raise SystemExit(f"API token for {username} refused: HTTP {resp.status} {data}")
    return {"Authorization": f"Bearer {data['token']}"}


def request_mix(port: int, password: str) -> list[tuple[str, str, dict]]:
    """(label, path, headers) of every kind of request, as the demo's roles make them."""
    from zhijian.core.models import Jurisdiction, User
    from zhijian.registry.models import Entity

    haishu = list(
        Entity.objects.filter(jurisdiction__code__startswith="330203")
        .order_by("id")
        .values_list("uscc", flat=True)[:200]
    )
    anywhere = list(Entity.objects.filter(status="active").order_by("-id").values_list("uscc", "name")[:200])
    own = User.objects.get(username="enterprise").entity_uscc
    haishu_id = Jurisdiction.objects.get(code="330203").pk
    public: dict = {}
    staff = {
        name: login(port, name, password)
        for name in ("admin", "credit", "haishu", "yinzhou", "inspector", "enterprise")
    }
    token = api_token(port, "haishu", password)
    mix = []
    for i in range(20):
        uscc, name = anywhere[i * 7 % len(anywhere)]
        mine = haishu[i * 11 % len(haishu)]
        mix += [
            ("public register search", f"/public/register/?q={quote(name[2:4])}", public),
            ("public entity", f"/public/register/{uscc}/", public),
            ("public audit heads", "/public/audit/", public),
            ("city admin home", "/", staff["admin"]),
            ("city admin register search", f"/entities/?q={quote(name[2:4])}", staff["admin"]),
            ("credit department overview", "/credit/", staff["credit"]),
            ("district list", "/entities/", staff["haishu"]),
            ("district entity", f"/entities/{mine}/", staff["haishu"]),
            ("district sampling", "/sampling/", staff["yinzhou"]),
            ("inspector field visits", "/inspections/field/", staff["inspector"]),
            ("enterprise own record", f"/entities/{own}/", staff["enterprise"]),
            ("API entity list", f"/api/v1/entities?jurisdiction={haishu_id}&limit=20", token),
            ("API entity", f"/api/v1/entities/{mine}", token),
        ]
    return mix


def open_loop(port, mix, rate, duration, connections, events_at=None):
    """Requests at fixed start times; each result as (scheduled offset s, latency s, ok, label)."""
    total = int(rate * duration)
    counter = itertools.count()
    lock = threading.Lock()
    results: list[tuple[float, float, bool, str]] = []
    start = time.perf_counter() + 0.2
    hard_stop = start + duration + 30
    if events_at is not None:
        events_at["start"] = start

    def worker():
        clients: dict[int, Client] = {}
        while True:
            with lock:
                i = next(counter)
            if i >= total:
                return
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            label, path, headers = mix[i % len(mix)]
            client = clients.setdefault(id(headers), Client(port, headers))
            ok = False
            if time.perf_counter() < hard_stop:
                try:
                    ok = client.get(path) == 200
                except (OSError, http.client.HTTPException):
                    ok = False
            done = time.perf_counter()
            with lock:
                results.append((scheduled - start, done - scheduled, ok, label))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - start


def closed_loop(port, mix, connections, duration):
    """``connections`` clients each sending the next request as soon as the last answered: capacity."""
    lock = threading.Lock()
    results: list[tuple[float, float, bool, str]] = []
    counter = itertools.count()
    start = time.perf_counter()
    deadline = start + duration

    def worker():
        clients: dict[int, Client] = {}
        while time.perf_counter() < deadline:
            with lock:
                i = next(counter)
            label, path, headers = mix[i % len(mix)]
            client = clients.setdefault(id(headers), Client(port, headers))
            began = time.perf_counter()
            try:
                ok = client.get(path) == 200
            except (OSError, http.client.HTTPException):
                ok = False
            with lock:
                results.append((began - start, time.perf_counter() - began, ok, label))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - start


def produce_events(stop: threading.Event, produced: dict) -> None:
    """One probe event every 0.1 s through the outbox; which commits were acknowledged, which failed."""
    from django.db import DatabaseError, InterfaceError, connection, transaction
    from load_worker import PROBE_TOPIC, register_probe

    from zhijian.core.events import emit

    register_probe()
    for n in itertools.count():
        if stop.is_set():
            return
        try:
            with transaction.atomic():
                emit(PROBE_TOPIC, {"n": n})
            produced["acked"].add(n)
        except (DatabaseError, InterfaceError):  # the database is down: this one was not committed
            produced["failed"].add(n)
            connection.close()
        stop.wait(0.1)


def account_events(produced: dict, worker: subprocess.Popen, wait_s: float) -> dict:
    """Wait for the worker to deliver every committed probe event; count what is missing."""
    from django.db import connection
    from load_worker import PROBE_SUBSCRIBER, PROBE_TOPIC

    from zhijian.core.models import EventDelivery, OutboxEvent

    deadline = time.time() + wait_s
    while True:
        connection.close()  # this thread's connection may date from before the restart
        stored = {e["payload"]["n"] for e in OutboxEvent.objects.filter(topic=PROBE_TOPIC).values("payload")}
        delivered = {
            d["event__payload"]["n"]
            for d in EventDelivery.objects.filter(subscriber=PROBE_SUBSCRIBER, done=True).values(
                "event__payload"
            )
        }
        if stored <= delivered or time.time() > deadline:
            break
        time.sleep(1)
    return {
        "acknowledged": len(produced["acked"]),
        "refused_while_down": len(produced["failed"]),
        "stored": len(stored),
        "delivered": len(delivered & stored),
        "acknowledged_but_missing": len(produced["acked"] - stored),
        "undelivered": len(stored - delivered),
        "worker_running": worker.poll() is None,
    }


def summarise(results, fault) -> dict:
    import _common as C

    if fault:
        lo, hi = fault["stop_began"] - 1.0, fault["ready"] + RECOVERY_S
        inside = [r for r in results if lo <= r[0] <= hi]
        outside = [r for r in results if not lo <= r[0] <= hi]
    else:
        inside, outside = [], results
    failed = [r for r in inside if not r[2]]
    summary = {
        "requests": len(results),
        "steady": {"requests": len(outside), "errors": sum(not r[2] for r in outside)}
        | C.summary_ms([r[1] for r in outside]),
        "by_kind": {},
    }
    for label in sorted({r[3] for r in outside}):
        summary["by_kind"][label] = C.summary_ms([r[1] for r in outside if r[3] == label])
    if fault:
        summary["fault"] = fault | {
            "requests_in_window": len(inside),
            "failed": len(failed),
            "failed_max_latency_s": max((r[1] for r in failed), default=0.0),
            "last_failure_after_ready_s": max((r[0] for r in failed), default=fault["ready"])
            - fault["ready"],
        }
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--duration", type=float, default=300.0)
    parser.add_argument(
        "--restart-at", type=float, default=150.0, help="seconds into the load; 0: no restart"
    )
    parser.add_argument(
        "--entities", type=int, default=20000, help="demo register size (zhijian demo --count)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--connections", type=int, default=48)
    parser.add_argument(
        "--smoke", action="store_true", help="20 req/s for 30 s, restart at 12 s, 1,000 entities"
    )
    args = parser.parse_args()
    if args.smoke:
        args.rate, args.duration, args.restart_at, args.entities = 20.0, 30.0, 12.0, 1000

    cluster = PrivateCluster()
    os.environ.setdefault("BENCH_OUT", str(BENCH_DIR / "out" / "load"))
    os.environ["BENCH_PG"] = cluster.url().rsplit("/", 1)[0]
    os.environ["BENCH_DB"] = LOAD_DB
    os.environ["ZHIJIAN_MODE"] = "demo"  # this process and the loader; the server runs in production mode
    sys.path.insert(0, str(BENCH_DIR))
    import _common as C

    C.OUT.mkdir(parents=True, exist_ok=True)
    var = C.OUT / "load-var"  # this run's own: removed and made again
    shutil.rmtree(var, ignore_errors=True)
    worker = None
    try:
        t0 = time.time()
        cluster.init()
        import psycopg

        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {LOAD_DB}")
        base = dict(
            os.environ, DATABASE_URL=C.database_url(), ZHIJIAN_VAR=str(var), ZHIJIAN_LOG_LEVEL="WARNING"
        )
        zhijian = str(C.ROOT / ".venv/bin/zhijian")
        subprocess.run([zhijian, "migrate", "--noinput", "-v", "0"], env=base, check=True, cwd=C.ROOT)  # noqa: S603
        subprocess.run(  # noqa: S603
            [zhijian, "demo", "--count", str(args.entities)],
            env=base,
            check=True,
            cwd=C.ROOT,
            stdout=subprocess.DEVNULL,
        )
        C.banner(
            f"load test: private PostgreSQL on {HOST}:{cluster.port}, demo with {args.entities:,} entities"
        )
        print(f"setup (initdb, migrate, demo) {time.time() - t0:.0f} s")
        C.django_setup("demo")
        from zhijian.demo.accounts import DEMO_PASSWORD

        # The server fails fast when PostgreSQL is away: a connection attempt gives up after 3 s.
        server = dict(
            base,
            ZHIJIAN_MODE="production",
            SECRET_KEY=secrets.token_urlsafe(50),
            ZHIJIAN_SSL_REDIRECT="0",
            ALLOWED_HOSTS=HOST,
            DATABASE_URL=C.database_url() + "?connect_timeout=3",
        )
        server.pop("ZHIJIAN_DEBUG", None)
        subprocess.run([zhijian, "collectstatic", "--noinput", "-v", "0"], env=server, check=True, cwd=C.ROOT)  # noqa: S603
        worker_log = (C.OUT / "worker.log").open("w")
        worker = subprocess.Popen(  # noqa: S603
            [str(C.ROOT / ".venv/bin/python"), str(BENCH_DIR / "load_worker.py")],
            env=server,
            cwd=C.ROOT,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        from bench_detail import serve

        with serve(server, args.workers, args.threads) as (_, port):
            mix = request_mix(port, DEMO_PASSWORD)
            for label, path, headers in {m[0]: m for m in mix}.values():
                status = Client(port, headers).get(path)
                if status != 200:
                    print(f"!! {label} {path} answers HTTP {status} before the test")
                    return 1
            static = [("static file", "/static/zhijian/site.css", {})]
            base_results, base_elapsed = open_loop(port, static, args.rate, 5.0, args.connections)
            baseline = C.summary_ms([r[1] for r in base_results]) | {
                "errors": sum(not r[2] for r in base_results)
            }
            print(
                f"baseline static file at {args.rate:.0f}/s for 5 s: {C.fmt_ms(baseline)}, {baseline['errors']} errors"
            )

            capacity_s = 5.0 if args.smoke else 15.0
            cap_results, cap_elapsed = closed_loop(port, mix, args.workers * args.threads, capacity_s)
            capacity = {
                "rps": len(cap_results) / cap_elapsed,
                "errors": sum(not r[2] for r in cap_results),
                "by_kind_ms": {
                    label: C.summary_ms([r[1] for r in cap_results if r[3] == label])["p50"]
                    for label in sorted({r[3] for r in cap_results})
                },
            } | C.summary_ms([r[1] for r in cap_results])
            print(
                f"capacity (closed loop, {args.workers * args.threads} connections, {capacity_s:.0f} s): "
                f"{capacity['rps']:.1f} req/s, {capacity['errors']} errors, {C.fmt_ms(capacity)}"
            )
            print(
                "  median by kind: " + ", ".join(f"{k} {v:.0f} ms" for k, v in capacity["by_kind_ms"].items())
            )

            stop_events = threading.Event()
            produced: dict = {"acked": set(), "failed": set()}
            producer = threading.Thread(target=produce_events, args=(stop_events, produced), daemon=True)
            producer.start()
            fault: dict = {}
            clock: dict = {}

            def restart():
                while "start" not in clock:
                    time.sleep(0.01)
                time.sleep(max(0.0, clock["start"] + args.restart_at - time.perf_counter()))
                fault["stop_began"] = time.perf_counter() - clock["start"]
                cluster.stop()
                fault["stopped"] = time.perf_counter() - clock["start"]
                cluster.start()
                fault["ready"] = time.perf_counter() - clock["start"]

            restarter = threading.Thread(target=restart, daemon=True) if args.restart_at > 0 else None
            if restarter:
                restarter.start()
            print(f"mixed load: {len({m[0] for m in mix})} kinds of request, {args.rate:.0f}/s for {args.duration:.0f} s"
                  + (f", PostgreSQL restarted at {args.restart_at:.0f} s" if restarter else ""), flush=True)  # fmt: skip
            results, elapsed = open_loop(
                port, mix, args.rate, args.duration, args.connections, events_at=clock
            )
            if restarter:
                restarter.join()
            stop_events.set()
            producer.join()
            events = account_events(produced, worker, wait_s=120)
        summary = summarise(results, fault if restarter else None)
        summary |= {"rate": args.rate, "duration": args.duration, "elapsed": elapsed, "events": events}
        summary |= {
            "baseline_static": baseline,
            "gunicorn": f"{args.workers}x{args.threads}",
            "smoke": args.smoke,
        }
        report(summary)
        C.record("load_smoke" if args.smoke else "load", summary)
        return 0 if verdict(summary) else 1
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        from django.db import connections

        connections.close_all()
        cluster.remove()


def report(s: dict) -> None:
    import _common as C

    st = s["steady"]
    print(f"\n{s['requests']} requests in {s['elapsed']:.1f} s = {s['requests'] / s['elapsed']:.1f} req/s")
    print(f"outside the fault window: {st['requests']} requests, {st['errors']} errors, {C.fmt_ms(st)}")
    for label, k in s["by_kind"].items():
        print(f"  {label:<28} {C.fmt_ms(k)}")
    if "fault" in s:
        f = s["fault"]
        print(
            f"PostgreSQL restart: stop began at {f['stop_began']:.1f} s, down at {f['stopped']:.1f} s, ready at "
            f"{f['ready']:.1f} s; {f['failed']} of {f['requests_in_window']} requests in the window failed, the "
            f"slowest failure took {f['failed_max_latency_s']:.2f} s, the last failure was scheduled "
            f"{f['last_failure_after_ready_s']:.2f} s after PostgreSQL was ready"
        )
    e = s["events"]
    print(
        f"events: {e['acknowledged']} committed, {e['refused_while_down']} refused while PostgreSQL was down, "
        f"{e['delivered']} of {e['stored']} stored delivered, {e['acknowledged_but_missing']} acknowledged but "
        f"missing, {e['undelivered']} undelivered; worker {'running' if e['worker_running'] else 'DEAD'}"
    )


def verdict(s: dict) -> bool:
    problems = []
    if s["steady"]["errors"]:
        problems.append(f"{s['steady']['errors']} errors outside the fault window")
    if "fault" in s:
        if s["fault"]["failed_max_latency_s"] > FAIL_FAST_S:
            problems.append("a failure took longer than 5 s")
        if s["fault"]["last_failure_after_ready_s"] > RECOVERY_S:
            problems.append("failures went on for more than 30 s after PostgreSQL was ready")
    e = s["events"]
    if not e["acknowledged"]:
        problems.append("no probe event could be committed: nothing shows the worker resumed")
    if e["acknowledged_but_missing"] or e["undelivered"] or not e["worker_running"]:
        problems.append("events lost, undelivered, or the worker died")
    for p in problems:
        print(f"!! {p}")
    if not problems:
        print("bar met: no error outside the fault window, failures fast and over, every event delivered")
    return not problems


if __name__ == "__main__":
    sys.exit(main())
