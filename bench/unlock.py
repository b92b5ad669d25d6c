"""Unlock and profile-creation cost with the product's Argon2id parameters.

Prints the parameters, the median time of each step over several runs, and a
plain-SQLite open measured in the same run as the baseline. Not a test: the
figures go into the notes, never into assertions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3  # allowed: plain-SQLite baseline for the benchmark
import statistics
import sys
import tempfile  # allowed: benchmark scratch folder, holds no user data
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fieldkit.kdf import PRODUCT, derive_key
from fieldkit.profile import Profile
from fieldkit.store import Store

PASS = "benchmark passphrase with several words"


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="fieldkit-bench-"))
    try:
        counter = iter(range(10_000))

        def create() -> None:
            Profile.create(
                scratch / f"p{next(counter)}", PASS, name="Bench", role="fieldworker"
            ).close()

        t_create = median_time(create, args.runs)
        home = scratch / "p0"
        t_unlock = median_time(lambda: Store.open(home, PASS).close(), args.runs)
        salt = os.urandom(16)
        t_kdf = median_time(lambda: derive_key(PASS, salt, PRODUCT), args.runs)

        plain = scratch / "plain.db"
        conn = sqlite3.connect(plain)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()

        def open_plain() -> None:
            c = sqlite3.connect(plain)
            c.execute("SELECT count(*) FROM sqlite_master").fetchone()
            c.close()

        t_plain = median_time(open_plain, args.runs)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"KDF: {PRODUCT.describe()}, 32-byte key, 16-byte SQLCipher file salt")
    print(f"runs per figure: {args.runs} (median)")
    print()
    print(f"{'step':<34}{'seconds':>10}{'x plain SQLite open':>22}")
    for label, value in (
        ("Argon2id derive alone", t_kdf),
        ("unlock (derive + key + migrate)", t_unlock),
        ("create profile (init)", t_create),
        ("plain SQLite open (baseline)", t_plain),
    ):
        print(f"{label:<34}{value:>10.3f}{value / t_plain:>22.0f}")
    print()
    verdict = "meets" if t_unlock <= 0.5 else "MISSES"
    print(f"target: unlock <= 0.5 s with >= 64 MiB memory cost: {verdict} ({t_unlock:.3f} s)")


if __name__ == "__main__":
    main()
