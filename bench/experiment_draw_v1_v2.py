"""Experiment: the selection of zhijian-draw/1 against /2, alternating in one process on one snapshot.

    BENCH_DB=zj_draw_bench python bench/experiment_draw_v1_v2.py /path/to/old/algorithm.py
    BENCH_DB=zj_draw_bench python bench/experiment_draw_v1_v2.py 66e5d4c   # a revision: read from git

Run after bench_inspections.py has drawn in that database. The old module is the algorithm.py of a
checkout before issue 15 (e.g. ``git worktree add /tmp/old 66e5d4c``). Both sides do the draw's pure
work: the seed, every key, the ranking, the drawn list's texts and hashes (/2 adds the result's
spelling check, the key seed, the salted hash and the public list); the database work around it is
the same in both. ROUNDS alternating rounds (20); the machine's load is printed.
"""

import importlib.util
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

C.django_setup()
from zhijian.inspections import algorithm as v2  # noqa: E402
from zhijian.inspections import snapshot  # noqa: E402
from zhijian.inspections.models import Task  # noqa: E402

old = sys.argv[1]
if not os.path.exists(old):  # a git revision: its algorithm.py, read from the history
    import subprocess  # noqa: S404
    import tempfile

    source = subprocess.run(  # noqa: S603
        ["git", "show", f"{old}:src/zhijian/inspections/algorithm.py"],  # noqa: S607
        check=True,
        capture_output=True,
        cwd=os.path.dirname(os.path.abspath(__file__)),
    ).stdout
    handle = tempfile.NamedTemporaryFile("wb", suffix="_algorithm_v1.py", delete=False)  # noqa: SIM115
    handle.write(source)
    handle.close()
    old = handle.name
spec = importlib.util.spec_from_file_location("algorithm_v1", old)
v1 = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = v1  # a dataclass in the module looks its module up
spec.loader.exec_module(v1)
draw = Task.objects.filter(status="drawn").order_by("-pk").first().draws.get(number=1)
members = snapshot.members_of(draw.pk)
ratios, salt, frozen = draw.ratios, draw.salt, draw.frozen_sha256
beacon = "03 11 19 24 27 30 + 09"


def run_v1():
    seed = v1.seed_of(frozen, draw.secret, beacon)
    sel = v1.select(members, ratios, seed)
    return v1.sha256_hex(v1.selected_text(sel))


def run_v2():
    value = v2.canonical_beacon_value(v2.GAMES["ssq"], beacon)
    seed = v2.seed_of(frozen, draw.secret, value)
    sel = v2.select(members, ratios, v2.key_seed_of(seed, salt))
    text = v2.selected_text(sel)
    return v2.salted_sha256(salt, text), v2.sha256_hex(v2.drawn_text(s.uscc for s in sel))


ROUNDS = int(os.environ.get("ROUNDS", "20"))
times = {"v1 (main)": [], "v2 (branch)": []}
for _round in range(ROUNDS):
    for name, fn in (("v1 (main)", run_v1), ("v2 (branch)", run_v2)):
        started = time.perf_counter()
        fn()
        times[name].append(time.perf_counter() - started)
n = sum(len(m) for m in members.values())
print(f"{n:,} eligible; os.getloadavg() = {os.getloadavg()}")
for name, ts in times.items():
    ts.sort()
    print(
        f"{name}: min {ts[0]:.3f} s, median {ts[len(ts) // 2]:.3f} s  ({', '.join(f'{t:.3f}' for t in ts)})"
    )
