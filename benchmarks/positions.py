"""How long a problem takes to report, against a valid load of the same log.

    PYTHONPATH=. python benchmarks/positions.py [SIZES...]   (default: 10000 100000)

For each size a generated log (benchmarks/generate.py) is loaded as ``watchline validate``
loads it, with no cache: valid; with a bad date three quarters of the way down (a problem
the builder finds); and with a duplicate event id (a problem the merge finds). Each run
is a fresh process, so the figures include start-up; the ratio is what the issue asks for
(a problem reported in about the time of a valid load).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate  # benchmarks/generate.py, beside this script

REPO = Path(__file__).resolve().parents[1]


def timed(path: Path) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": cache}
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "tui", "validate", str(path)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        seconds = time.perf_counter() - start
    return seconds, (run.stderr or run.stdout).splitlines()[0] if (run.stderr or run.stdout) else ""


def main() -> int:
    sizes = [int(arg) for arg in sys.argv[1:]] or [10_000, 100_000]
    print("| events | valid load | bad date (ratio) | duplicate id (ratio) |")
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as scratch:
        for size in sizes:
            valid = Path(scratch) / f"valid-{size}.yaml"
            valid.write_text(generate(size, 1), encoding="utf-8")
            text = valid.read_text(encoding="utf-8")
            dates = list(re.finditer(r"\n    date: ([^\n]*)", text))
            bad = dates[len(dates) * 3 // 4]
            bad_date = Path(scratch) / f"bad-date-{size}.yaml"
            bad_date.write_text(text[: bad.start(1)] + "not-a-date" + text[bad.end(1) :])
            ids = list(re.finditer(r"\n  - id: ([^\n]*)", text))
            twin = ids[len(ids) * 3 // 4]
            duplicate = Path(scratch) / f"duplicate-{size}.yaml"
            duplicate.write_text(text[: twin.start(1)] + ids[10].group(1) + text[twin.end(1) :])
            base, _ = timed(valid)
            date_s, date_line = timed(bad_date)
            dup_s, dup_line = timed(duplicate)
            assert "not an EDTF date" in date_line and "duplicate event id" in dup_line
            print(
                f"| {size:,} | {base:.2f} s | {date_s:.2f} s ({date_s / base:.2f}x) "
                f"| {dup_s:.2f} s ({dup_s / base:.2f}x) |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
