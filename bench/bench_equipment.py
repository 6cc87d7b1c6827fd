"""Benchmark: special equipment (issue 13) — due lists at 150,000 units, device ingestion at 5,000
messages/s over HTTP batches and MQTT, alarm to screen, each beside a baseline from the same process.

    bench/run.sh equipment                       # its own database (EQUIPMENT_BENCH_DB), dropped and made
    .venv/bin/python bench/bench_equipment.py --units 150000 --seconds 60 --rate 5000

Steps (each prints its figure and its baseline):

1. **Register**: 150,000 units over the 15 county-level units, with stored due dates worked out by the
   production rules (``RuleBook.due_dates``), bulk-inserted.
2. **Due lists**: ``queries.due_page`` (count + first page of 50) for every district and every list
   (due, overdue, never inspected, maintenance overdue, unregistered), as the city administrator and
   as each district's officer; baseline: the same queries with index scans switched off.
3. **HTTP ingestion**: gunicorn (2 workers × 4 threads) on loopback; 2,000 devices, each request one
   device's batch of 100 messages (0.5 % events), offered at ``--rate`` messages/s for ``--seconds``;
   meanwhile a trapped alarm every 2 s on other devices, and a district screen polling its feed every
   second (as htmx does) records when each alarm first shows: alarm to screen.
   Baseline: a bare multi-row INSERT of the same number of messages into an unindexed table.
4. **MQTT ingestion**: ``zhijian equipment mqtt`` as a separate process; the same load published to
   Mosquitto on 127.0.0.1:1883 with QoS 1; figure: messages stored per second, and the lag of the
   last message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess  # noqa: S404
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import _common as C  # noqa: E402

os.environ.setdefault("BENCH_DB", "zhijian_equipment_bench")
# One key for this process and the gunicorn it starts, so the screen's session cookie is valid there.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
C.BENCH_DB = os.environ["BENCH_DB"]
HOST = "127.0.0.1"
BATCH = 100
RUN = secrets.token_hex(3)  # message ids differ between runs, so a rerun on --reuse stores new rows
EVENT_SHARE = 0.005


def fresh_database() -> None:
    import psycopg

    C.check_bench_db_name()
    with psycopg.connect(C.PG_BASE + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{C.BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{C.BENCH_DB}"')
    env = {**os.environ, "DATABASE_URL": C.database_url(), "ZHIJIAN_MODE": "test"}
    subprocess.run([str(C.ROOT / ".venv/bin/zhijian"), "setup"], env=env, check=True)  # noqa: S603


def build_register(units: int, seed: int) -> dict:
    """Entities, 150,000 units with stored due dates, the district users and 2,100 devices."""
    from django.utils import timezone

    from tests.factories import make_uscc
    from zhijian.core.models import Jurisdiction, Role, User
    from zhijian.equipment.models import Unit
    from zhijian.equipment.rules import RuleBook
    from zhijian.equipment.services.devices import digest
    from zhijian.equipment.services.register import apply_due_dates
    from zhijian.registry.models import Entity

    rng = random.Random(seed)
    today = timezone.localdate()
    districts = list(Jurisdiction.objects.filter(level__in=["district", "zone"]).order_by("code"))
    entities = []
    for n in range(3000):
        district = districts[n % len(districts)]
        entities.append(
            Entity(
                uscc=make_uscc(district.division_code or "330203"),
                name=f"宁波基准{n}号物业有限公司",
                entity_type="llc",
                legal_representative="张三",
                established_on=dt.date(2010, 1, 1),
                status="active",
                address="宁波市",
                jurisdiction=district,
            )
        )
    Entity.objects.bulk_create(entities, batch_size=5000)
    book = RuleBook(today)
    started = time.perf_counter()
    rows = []
    for n in range(units):
        owner = entities[rng.randrange(len(entities))]
        category = "3000" if rng.random() < 0.7 else rng.choice(["1000", "2000", "4000", "5000", "8000"])
        commissioned = today - dt.timedelta(days=rng.randrange(30, 9000))
        last = None if rng.random() < 0.03 else today - dt.timedelta(days=rng.randrange(1, 900))
        unit = Unit(
            code=f"B{n:011d}",
            category=category,
            category_code=category,
            user_unit_uscc=owner.uscc,
            user_unit_name=owner.name,
            maintenance_uscc=entities[n % 60].uscc,
            maintenance_name="维保",
            district_id=owner.jurisdiction_id,
            address="宁波市某路",
            commissioned_on=commissioned,
            registered_on=None if rng.random() < 0.01 else commissioned,
            status="in_use" if rng.random() > 0.05 else "stopped",
            last_inspected_on=last,
            last_maintained_on=today - dt.timedelta(days=rng.randrange(0, 30)),
        )
        apply_due_dates(unit, book)
        rows.append(unit)
    Unit.objects.bulk_create(rows, batch_size=5000)
    built = time.perf_counter() - started
    users = {}
    for district in districts:
        user, _ = User.objects.get_or_create(
            username=f"bench_{district.code}", defaults={"role": Role.DISTRICT, "jurisdiction": district}
        )
        users[district.pk] = user
    admin, _ = User.objects.get_or_create(username="bench_admin", defaults={"role": Role.CITY_ADMIN})
    from zhijian.equipment.models import Device

    lifts = list(
        Unit.objects.filter(category="3000", status="in_use")
        .order_by("pk")
        .values_list("pk", "district_id")[:2100]
    )
    Device.objects.bulk_create(
        [
            Device(device_id=f"BD{n:05d}", unit_id=pk, district_id=d, secret_digest=digest(f"secret-{n}"))
            for n, (pk, d) in enumerate(lifts)
        ],
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE equipment_unit")
        cursor.execute("VACUUM ANALYZE equipment_device")
    print(
        f"register: {units:,} units with due dates worked out and inserted in {built:.1f} s; "
        f"{len(lifts)} devices; {len(districts)} districts"
    )
    return {
        "admin": admin,
        "users": users,
        "devices": [(f"BD{n:05d}", f"secret-{n}", d) for n, (_, d) in enumerate(lifts)],
    }


def due_lists(world: dict, rounds: int) -> dict:
    from django.db import connection

    from zhijian.equipment import queries

    def measure(label: str) -> dict:
        timings: list[float] = []
        for _ in range(rounds):
            for district_id, user in world["users"].items():
                for kind in queries.DUE_KINDS:
                    for actor, district in ((world["admin"], district_id), (user, None)):
                        started = time.perf_counter()
                        page = queries.due_page(actor, kind, district)
                        timings.append(time.perf_counter() - started)
                        assert len(page["items"]) <= queries.PAGE
        summary = C.summary_ms(timings)
        print(f"  {label:<34} {C.fmt_ms(summary)}")
        return summary

    print("due lists (count + first page of 50), every district × 5 lists × (city admin, district officer):")
    due_lists_ms = measure("stored due dates, partial indexes")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_indexscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        cursor.execute("SET enable_indexonlyscan = off")
    baseline = measure("baseline: same queries, no index")
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_indexscan")
        cursor.execute("RESET enable_bitmapscan")
        cursor.execute("RESET enable_indexonlyscan")
    largest = max(queries.due_page(world["admin"], "due", d)["total"] for d in world["users"])
    print(f"  (largest single list: {largest:,} units)")
    return {"indexed": due_lists_ms, "baseline_no_index": baseline}


def bare_insert(messages: int) -> float:
    """Baseline: the same number of messages by multi-row INSERT into an unindexed table, same batches."""
    from django.db import connection

    now = dt.datetime.now(dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_message")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_bare_message (device_id bigint, msg_id text, kind text, "
            "state text, occurred_at timestamptz, received_at timestamptz)"
        )
    started = time.perf_counter()
    for start in range(0, messages, BATCH * 10):
        with connection.cursor() as cursor:
            count = min(BATCH * 10, messages - start)
            cursor.execute(
                "INSERT INTO bench_bare_message SELECT d, i, 'heartbeat', 'raised', %s, %s FROM "
                "unnest(%s::bigint[], %s::text[]) AS v(d, i)",
                [
                    now,
                    now,
                    [n % 2000 for n in range(start, start + count)],
                    [f"m{n}" for n in range(start, start + count)],
                ],
            )
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare_message")
    return messages / elapsed


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def batch_body(device: str, seq: int, now: dt.datetime, rng: random.Random) -> bytes:
    messages = []
    for k in range(BATCH):
        kind = "heartbeat" if rng.random() > EVENT_SHARE else rng.choice(["door_fault", "power_loss"])
        messages.append(
            {"id": f"{RUN}-{seq}-{k}", "kind": kind, "at": (now + dt.timedelta(milliseconds=k)).isoformat()}
        )
    return json.dumps({"messages": messages}).encode()


class Sender:
    """Offers ``rate`` messages/s as batches of 100 from rotating devices, on keep-alive connections."""

    def __init__(self, port: int, devices: list, rate: int, seconds: float, threads: int = 32):
        self.port, self.devices, self.rate, self.seconds, self.threads = port, devices, rate, seconds, threads
        self.latencies: list[float] = []
        self.errors = 0
        self.sent = 0
        self.lock = threading.Lock()

    def run(self) -> None:
        interval = BATCH / self.rate  # seconds between batches, overall
        start = time.perf_counter()
        total = int(self.seconds * self.rate / BATCH)
        counter = iter(range(total))

        def work(tid: int) -> None:
            rng = random.Random(tid)
            conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            for n in counter:
                due = start + n * interval
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                device, secret, _ = self.devices[n % len(self.devices)]
                body = batch_body(device, n, dt.datetime.now(dt.UTC), rng)
                t0 = time.perf_counter()
                ok = False
                for _attempt in (1, 2):  # a keep-alive the server closed meanwhile: reconnect, resend once
                    try:
                        conn.request(
                            "POST",
                            f"/api/v1/equipment/devices/{device}/messages",
                            body,
                            {"Content-Type": "application/json", "Authorization": f"Device {secret}"},
                        )
                        response = conn.getresponse()
                        response.read()
                        ok = response.status == 200
                        break
                    except (OSError, http.client.HTTPException):
                        conn.close()
                        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                with self.lock:
                    self.latencies.append(time.perf_counter() - t0)
                    self.sent += BATCH if ok else 0
                    self.errors += 0 if ok else 1

        workers = [threading.Thread(target=work, args=(t,)) for t in range(self.threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        self.elapsed = time.perf_counter() - start


def screen_probe(
    port: int, cookie: str, trap_devices: list, stop: threading.Event, district_of: dict
) -> list[float]:
    """A trapped alarm every 2 s; the district screen polls its feed every second; time to first sight."""
    from zhijian.equipment.models import Device, Unit

    codes = dict(
        Unit.objects.filter(devices__device_id__in=[d for d, _, _ in trap_devices]).values_list(
            "devices__device_id", "code"
        )
    )
    del Device
    pending: dict[str, float] = {}
    seen: list[float] = []
    lock = threading.Lock()

    def poll() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        phase = random.random()
        time.sleep(phase)
        while not stop.is_set() or pending:
            try:
                conn.request("GET", "/equipment/screen/feed/", headers={"Cookie": cookie})
                body = conn.getresponse().read().decode()
            except (OSError, http.client.HTTPException):  # keep-alive closed by the server: reconnect
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                continue
            now = time.perf_counter()
            with lock:
                for code, posted in list(pending.items()):
                    if code in body:
                        seen.append(now - posted)
                        del pending[code]
            if stop.is_set() and time.perf_counter() > stop_time[0] + 10:
                break
            time.sleep(1.0)

    stop_time = [float("inf")]
    poller = threading.Thread(target=poll)
    poller.start()
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    n = 0
    while not stop.is_set():
        device, secret, _ = trap_devices[n % len(trap_devices)]
        body = json.dumps(
            {
                "messages": [
                    {"id": f"{RUN}-trap-{n}", "kind": "trapped", "at": dt.datetime.now(dt.UTC).isoformat()},
                    {
                        "id": f"{RUN}-trap-{n}-c",
                        "kind": "trapped",
                        "state": "cleared",
                        "at": (dt.datetime.now(dt.UTC) + dt.timedelta(milliseconds=1)).isoformat(),
                    },
                ]
            }
        ).encode()
        with lock:
            pending[codes[device]] = time.perf_counter()
        # A fresh connection per alarm: the device wakes, posts and hangs up (gunicorn's keep-alive is 2 s).
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        conn.request(
            "POST",
            f"/api/v1/equipment/devices/{device}/messages",
            body,
            {"Content-Type": "application/json", "Authorization": f"Device {secret}"},
        )
        conn.getresponse().read()
        conn.close()
        n += 1
        stop.wait(2.0)
    stop_time[0] = time.perf_counter()
    poller.join(20)
    return seen


def warm_up(port: int, device: tuple) -> None:
    """Every gunicorn worker imports Django on its first request: pay that before measuring."""
    rng = random.Random(1)
    for n in range(40):
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        conn.request(
            "POST",
            f"/api/v1/equipment/devices/{device[0]}/messages",
            batch_body(device[0], -1 - n, dt.datetime.now(dt.UTC), rng),
            {"Content-Type": "application/json", "Authorization": f"Device {device[1]}"},
        )
        conn.getresponse().read()
        conn.request("GET", "/equipment/screen/feed/")
        conn.getresponse().read()
        conn.close()


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[
        -1
    ]  # the user backend (the first throttles logins)
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def stored_messages() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM equipment_devicemessage")
        return cursor.fetchone()[0]


def http_ingestion(world: dict, rate: int, seconds: float, workers: int, threads: int) -> dict:
    from django.db import connection

    env = {
        **os.environ,
        "DATABASE_URL": C.database_url(),
        "ZHIJIAN_MODE": "test",
        "ZHIJIAN_LOG_LEVEL": "WARNING",
    }
    port = free_port()
    log = (C.OUT / "gunicorn-equipment.log").open("w")
    server = subprocess.Popen(  # noqa: S603
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
        for _ in range(100):
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        warm_up(port, world["devices"][-1])
        devices = world["devices"]
        screen_district = devices[0][2]
        load_devices = [d for d in devices[100:]]
        trap_devices = [d for d in devices[:100] if d[2] == screen_district][:20]
        cookie = session_cookie(world["users"][screen_district])
        connection.close()
        before = stored_messages()
        stop = threading.Event()
        probe_result: dict = {}
        probe = threading.Thread(
            target=lambda: probe_result.setdefault("seen", screen_probe(port, cookie, trap_devices, stop, {}))
        )
        probe.start()
        sender = Sender(port, load_devices, rate, seconds)
        sender.run()
        stop.set()
        probe.join(60)
        stored = stored_messages() - before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        log.close()
    latency = C.summary_ms(sender.latencies)
    seen = probe_result.get("seen", [])
    screen = C.summary_ms(seen) if seen else None
    achieved = sender.sent / sender.elapsed
    print(
        f"HTTP batch ingestion: offered {rate:,} msgs/s for {seconds:.0f} s → accepted {achieved:,.0f} msgs/s "
        f"({sender.sent:,} messages, {sender.errors} failed requests, {stored:,} rows stored incl. alarms' messages)"
    )
    print(f"  request latency (batch of {BATCH}): {C.fmt_ms(latency)}")
    if screen:
        print(f"  alarm → district screen (1 s polling, under that load): {C.fmt_ms(screen)}")
    return {
        "offered": rate,
        "achieved": achieved,
        "sent": sender.sent,
        "errors": sender.errors,
        "stored": stored,
        "request_ms": latency,
        "alarm_to_screen_ms": screen,
        "elapsed": sender.elapsed,
    }


def mqtt_ingestion(world: dict, rate: int, seconds: float) -> dict:
    import paho.mqtt.client as mqtt
    from django.db import connection

    env = {**os.environ, "DATABASE_URL": C.database_url(), "ZHIJIAN_MODE": "test", "PYTHONUNBUFFERED": "1"}
    connection.close()
    before = stored_messages()
    log = (C.OUT / "mqtt-worker.log").open("w")
    worker = subprocess.Popen(  # noqa: S603
        [
            str(C.ROOT / ".venv/bin/zhijian"),
            "equipment",
            "mqtt",
            "--seconds",
            str(seconds + 60),
            "--batch",
            "200",
        ],
        env=env,
        cwd=C.ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while "已订阅" not in (C.OUT / "mqtt-worker.log").read_text(encoding="utf-8", errors="replace"):
        if time.time() > deadline or worker.poll() is not None:
            raise SystemExit("!! the MQTT worker did not subscribe; see bench/out/mqtt-worker.log")
        time.sleep(0.2)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-publisher")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(HOST, 1883)
    client.loop_start()
    devices = world["devices"][100:]
    rng = random.Random(5)
    interval = BATCH / rate
    total = int(seconds * rate / BATCH)
    progress = {"published": 0}
    backlog: list[int] = []
    sampling = threading.Event()

    def sample() -> None:
        # Once a second: messages published so far minus messages stored — the backlog stays bounded
        # when the subscriber keeps up with the offered rate.
        from django.db import connection as own

        while not sampling.wait(1.0):
            backlog.append(progress["published"] * BATCH - (stored_messages() - before))
        own.close()

    sampler = threading.Thread(target=sample, daemon=True)
    start = time.perf_counter()
    sampler.start()
    for n in range(total):
        progress["published"] = n
        due = start + n * interval
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        device, secret, _ = devices[n % len(devices)]
        payload = json.loads(batch_body(device, n + 10_000_000, dt.datetime.now(dt.UTC), rng))
        payload["token"] = secret
        client.publish(f"zhijian/equipment/{device}/messages", json.dumps(payload), qos=1)
    published = time.perf_counter() - start
    expected = total * BATCH
    last_change, count = time.perf_counter(), before
    while time.perf_counter() - last_change < 10:
        time.sleep(0.02)  # fine-grained: the drain after the last publish is part of the figure
        now = stored_messages()
        if now != count:
            count, last_change = now, time.perf_counter()
        if now - before >= expected:
            break
    drained = time.perf_counter() - start
    sampling.set()
    sampler.join(5)
    client.loop_stop()
    client.disconnect()
    os.killpg(worker.pid, signal.SIGINT)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
    log.close()
    stored = stored_messages() - before
    rate_stored = stored / drained
    print(
        f"MQTT ingestion: published {expected:,} messages in {published:.1f} s ({expected / published:,.0f} msgs/s offered); "
        f"stored {stored:,} by {drained:.1f} s → {rate_stored:,.0f} msgs/s sustained; "
        f"lag after the last publish {drained - published:.2f} s"
    )
    steady = backlog[2:-1] or backlog
    print(
        f"  backlog (published − stored, sampled each second): median {statistics.median(steady):,.0f}, "
        f"max {max(steady):,.0f} messages over {len(steady)} samples"
    )
    return {
        "offered": expected / published,
        "stored": stored,
        "expected": expected,
        "sustained": rate_stored,
        "lag_s": drained - published,
        "backlog_max": max(steady),
        "backlog_median": statistics.median(steady),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=150_000)
    parser.add_argument("--rate", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="keep the existing bench database")
    parser.add_argument("--skip", nargs="*", default=[], choices=["due", "http", "mqtt"])
    args = parser.parse_args()
    C.configure_env()
    if not args.reuse:
        fresh_database()
    C.django_setup()
    sys.path.insert(0, str(C.ROOT))
    C.banner("equipment: due lists, ingestion over HTTP and MQTT, alarm to screen")
    from django.db import connection

    with connection.cursor() as cursor:
        print(f"    PostgreSQL {C.pg_facts(cursor)}")
    world = build_register(args.units, C.SEED) if not args.reuse else reuse_world()
    results: dict = {"units": args.units}
    if "due" not in args.skip:
        results["due_lists"] = due_lists(world, args.rounds)
    baseline = bare_insert(int(args.rate * args.seconds))
    print(
        f"baseline: bare multi-row INSERT of {int(args.rate * args.seconds):,} messages, batches of {BATCH * 10}: "
        f"{baseline:,.0f} msgs/s"
    )
    results["bare_insert_msgs_s"] = baseline
    if "http" not in args.skip:
        results["http"] = http_ingestion(world, args.rate, args.seconds, args.workers, args.threads)
    if "mqtt" not in args.skip:
        results["mqtt"] = mqtt_ingestion(world, args.rate, args.seconds)
    C.record("equipment", results)


def reuse_world() -> dict:
    from zhijian.core.models import User
    from zhijian.equipment.models import Device

    users = {u.jurisdiction_id: u for u in User.objects.filter(username__startswith="bench_33")}
    devices = [
        (d, f"secret-{int(d[2:])}", dist)
        for d, dist in Device.objects.filter(device_id__startswith="BD")
        .order_by("device_id")
        .values_list("device_id", "district_id")
    ]
    return {"admin": User.objects.get(username="bench_admin"), "users": users, "devices": devices}


if __name__ == "__main__":
    main()
