"""Summarize a py-spy `--format raw` profile: each function's share of one thread's samples.

How the profiles in bench/profiles/ were made: `py-spy record --format raw --threads -o X.raw -- <command>`
(or `--pid P --nonblocking` for a kernel), then `python bench/spy.py X.raw camb-loop > profiles/X.txt`.
"""

from __future__ import annotations

import re
import sys
from collections import Counter

__all__ = ["summarize"]

_LINE = re.compile(r":\d+\)")


def summarize(path: str, thread: str, top: int = 40) -> str:
    """The top functions by inclusive and by self share of the samples of threads whose name has `thread`."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    total = 0
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            stack, _, count = line.rstrip().rpartition(" ")
            frames = [_LINE.sub(")", frame) for frame in stack.split(";")]
            threads[frames[0]] += int(count)
            if thread not in frames[0]:
                continue
            total += int(count)
            for frame in set(frames[1:]):
                inclusive[frame] += int(count)
            own[frames[-1]] += int(count)
    out = [f"samples per thread: {dict(threads.most_common(4))}", f"{total} samples of '{thread}'", ""]
    out += ["inclusive:", *(f"{n / total:6.1%}  {f}" for f, n in inclusive.most_common(top)), ""]
    out += ["self:", *(f"{n / total:6.1%}  {f}" for f, n in own.most_common(15))]
    return "\n".join(out)


if __name__ == "__main__":
    print(summarize(sys.argv[1], sys.argv[2]))
