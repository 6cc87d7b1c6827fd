"""Summarise a py-spy ``--format raw`` (collapsed stacks) profile: inclusive and self time by function.

    .venv/bin/py-spy record --rate 100 --format raw -o bench/out/import.raw -- \\
        .venv/bin/python bench/bench_import.py --rows 200000 --reset --skip-baseline
    .venv/bin/python bench/pyspy_summary.py bench/out/import.raw [--top 40] [--under FUNC]

``--under FUNC`` restricts to samples whose stack passes through a frame whose name contains FUNC.
``--tree`` prints a call tree of the project's own frames (zhijian/, bench/), each with the first
library frame it calls, pruned below ``--min`` percent.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter

FRAME = re.compile(r"^(?P<func>[^ ]+) \((?P<file>[^:]+)(?::(?P<line>\d+))?\)$")


def short(frame: str) -> str:
    match = FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match["file"]
    for marker in ("site-packages/", "src/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match['func']} ({path})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("raw")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--under", default="")
    parser.add_argument("--tree", action="store_true")
    parser.add_argument("--min", type=float, default=1.0)
    args = parser.parse_args()
    tree: dict = {}
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    with open(args.raw, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack or not count.isdigit():
                continue
            frames = [short(f) for f in stack.split(";")]
            if args.under and not any(args.under in f for f in frames):
                continue
            n = int(count)
            total += n
            for frame in set(frames):
                inclusive[frame] += n
            own[frames[-1]] += n
            if args.tree:
                kept, node = [], tree
                for frame in frames:
                    ours = "zhijian/" in frame or "bench" in frame
                    if ours or (kept and ("zhijian/" in kept[-1] or "bench" in kept[-1])):
                        kept.append(frame)
                for frame in kept:
                    entry = node.setdefault(frame, [0, {}])
                    entry[0] += n
                    node = entry[1]
    print(f"{total} samples" + (f" under {args.under!r}" if args.under else ""))
    if args.tree:
        print("\n-- call tree (inclusive %) --")

        def show(node: dict, depth: int) -> None:
            for frame, (n, children) in sorted(node.items(), key=lambda kv: -kv[1][0]):
                if 100 * n / total >= args.min:
                    print(f"{100 * n / total:6.1f}%  {'  ' * depth}{frame}")
                    show(children, depth + 1)

        show(tree, 0)
        return
    print("\n-- inclusive (function and everything it calls) --")
    for frame, n in inclusive.most_common(args.top):
        print(f"{100 * n / total:6.1f}%  {frame}")
    print("\n-- self (time in the function's own code) --")
    for frame, n in own.most_common(args.top):
        print(f"{100 * n / total:6.1f}%  {frame}")


if __name__ == "__main__":
    main()
