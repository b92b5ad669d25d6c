"""Records, search and attachments: throughput, latency and memory, against plain SQLite.

Every figure is measured twice in the same run: on the product's store
(SQLCipher, WAL, synchronous=FULL, secure_delete) and on a plain SQLite
database with the same schema, pragmas and code paths (the product's Store
wrapped around the standard library's sqlite3 connection), so the ratio is
the cost of encryption. The Argon2id cost is irrelevant here and set to the
test parameters. Not a test: figures go into the notes, never into assertions.

    python bench/records.py [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random  # allowed: fictional benchmark text, nothing secret
import shutil
import sqlite3  # allowed: plain-SQLite baseline for the benchmark
import statistics
import subprocess
import sys
import tempfile  # allowed: benchmark scratch folder, holds no user data
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fieldkit import audit
from fieldkit.attachments import add_attachment, open_attachment
from fieldkit.clock import rfc3339, utc_now
from fieldkit.formstore import ensure_form_installed
from fieldkit.kdf import TESTING
from fieldkit.locations import ProfilePaths, ensure_private_dir
from fieldkit.migrations import migrate
from fieldkit.profile import Profile
from fieldkit.records import create_draft, seal_many, seal_new
from fieldkit.search import index_record, search
from fieldkit.settings import Settings
from fieldkit.store import Store
from forms import library_example, library_form, term_key, vocabulary
from keys.card import IdentityCard, format_card
from keys.identity import Identity

PASS = "benchmark passphrase with several words"
FORM = "incident"
MIB = 1024 * 1024

# Fictional vocabulary for the narratives (no real people, places or events).
ENGLISH = (
    "soldiers arrived village morning night burned houses market school monastery "
    "airstrike drone bomb shelling landmine arrested detained beaten killed injured "
    "fled forest camp displaced families children women elders farmer teacher monk "
    "truck column battalion checkpoint road river bridge clinic rice field cattle "
    "returned later searched phones took money threatened witnesses saw heard"
).split()
BURMESE = (
    "ရွာ စစ်တပ် မီးရှို့ လေကြောင်းတိုက်ခိုက်မှု အိမ် ကလေး အမျိုးသမီး ဒုက္ခသည် ဖမ်းဆီး "
    "သေဆုံး ဒဏ်ရာ မြေမြှုပ်မိုင်း စခန်း ကျောင်း ဘုန်းကြီးကျောင်း ထွက်ပြေး ညဘက် မနက် "
    "တပ်သား ဗုံး ဈေး လယ်ကွင်း တံတား ဆေးခန်း မိသားစု"
).split()
QUERIES_EN = ["burned", "airstrike", "landmine", "monastery", "checkpoint", "soldiers burned",
              "drone bomb", "cattle", "witnesses saw", "zzqx"]
QUERIES_MY = ["ရွာ", "မီးရှို့", "လေကြောင်း", "မြေမြှုပ်မိုင်း", "ဘုန်းကြီး", "ဆေးခန်း",
              "ဒုက္ခသည် စခန်း", "တံတား"]


def narrative(rng: random.Random, i: int) -> str:
    """A fictional narrative of mixed English and Burmese, with a rare case tag."""
    words = [rng.choice(ENGLISH) for _ in range(rng.randint(25, 60))]
    for _ in range(rng.randint(5, 20)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(BURMESE))
    return f"Case {i:06d}. " + " ".join(words) + "."


# -- the two backends ------------------------------------------------------------------


def product_profile(home: Path) -> Profile:
    return Profile.create(home, PASS, name="Bench", role="fieldworker", params=TESTING)


def plain_profile(home: Path) -> Profile:
    """The same schema, pragmas and code on an unencrypted SQLite file."""
    paths = ProfilePaths(home)
    ensure_private_dir(paths.home)

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(str(paths.database), isolation_level=None,
                               check_same_thread=False)
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "secure_delete = ON",
                       "temp_store = MEMORY", "foreign_keys = ON", "busy_timeout = 5000"):
            conn.execute(f"PRAGMA {pragma}").fetchall()
        return conn

    store = Store(connect(), paths, checkpointer=connect())  # as the product's store has
    migrate(store)
    identity = Identity.generate()
    now = utc_now()
    card = IdentityCard.create(identity, "Bench", "fieldworker", now=now)
    with store.transaction() as c:
        c.execute(
            "INSERT INTO identity (id, signing_private, encryption_private, card, created_at)"
            " VALUES (1, ?, ?, ?, ?)",
            (identity.signing_private_bytes(), identity.encryption_private_bytes(),
             format_card(card), rfc3339(now)),
        )
        settings = Settings().model_dump_json()
        for key, value in (("name", "Bench"), ("role", "fieldworker"),
                           ("created_at", rfc3339(now)), ("settings", settings)):
            c.execute("INSERT INTO profile (key, value) VALUES (?, ?)", (key, value))
        audit.append(c, "init", identity.public.fingerprint, {"role": "fieldworker"})
    return Profile(store)


BACKENDS: dict[str, Callable[[Path], Profile]] = {
    "fieldkit": product_profile,
    "plain": plain_profile,
}


# -- measurements ----------------------------------------------------------------------


def answers_for(rng: random.Random, i: int) -> dict[str, Any]:
    base = library_example(FORM)
    return {**base, "incident_title": f"Incident {i}", "narrative": narrative(rng, i)}


def bench_seal(make: Callable[[Path], Profile], home: Path, batch: int,
               interactive: int) -> dict[str, float]:
    rng = random.Random(1)
    items = [(FORM, answers_for(rng, i)) for i in range(batch)]
    singles = [answers_for(rng, batch + i) for i in range(2 * interactive + 1)]

    def seal_one(profile: Profile, answers: dict[str, Any]) -> float:
        t0 = time.perf_counter()
        seal_new(profile, FORM, answers)
        return time.perf_counter() - t0

    with make(home) as profile:
        seal_new(profile, FORM, singles[0])  # warm caches: form install, first page loads
        start = time.perf_counter()
        seal_many(profile, items)
        rate = batch / (time.perf_counter() - start)
        # Seals made at once, while the batch's log is copied into the database
        # in the background (its writes and fsync compete with theirs) ...
        pending = iter(singles[1:])
        during = []
        while profile.store.checkpoint_running and len(during) < interactive:
            during.append(seal_one(profile, next(pending)))
        profile.store.wait_for_checkpoint()
        # ... and the usual case, when no large copy is going on.
        times = [seal_one(profile, next(pending)) for _ in range(interactive)]
    return {"batch_per_s": rate, "seal_ms": statistics.median(times) * 1000,
            "seal_p95_ms": percentile(times, 95) * 1000,
            "seal_during_n": float(len(during)),
            "seal_during_max_ms": max(during, default=0.0) * 1000}


@dataclass(frozen=True)
class _Facets:
    date: str | None
    state: str | None
    township: str | None
    violation_types: tuple[str, ...]


def bench_search(make: Callable[[Path], Profile], home: Path, count: int,
                 rounds: int) -> dict[str, float]:
    """Index ``count`` records directly (the same call sealing makes), then time queries.

    Each entry is shaped as sealing writes it: free text, then the keys of the
    form and of a few chosen terms; the form is installed, so queries expand
    words through the label catalogue as they do for real records.
    """
    rng = random.Random(2)
    form = library_form(FORM)
    term_keys = [term_key("violation_types", t.code) for t in vocabulary("violation_types").terms]
    with make(home) as profile:
        with profile.store.transaction() as conn:
            ensure_form_installed(conn, form)
        start = time.perf_counter()
        step = 10_000
        for base in range(0, count, step):
            with profile.store.transaction() as conn:
                for i in range(base, min(count, base + step)):
                    keys = " ".join([term_key("form", FORM), *rng.sample(term_keys, 3)])
                    index_record(
                        conn, f"rec-{i:06d}", f"{narrative(rng, i)}\n{keys}",
                        form_id=FORM,
                        facets=_Facets(f"2025-{1 + i % 12:02d}", "MMR005", "MMR005002",
                                       ("airstrike",)),
                    )
        index_s = time.perf_counter() - start
        queries = [*QUERIES_EN, *QUERIES_MY, f"Case {count // 2:06d}"]
        for q in queries:  # warm-up, and check every query runs
            search(profile.store, q)
        times = []
        for _ in range(rounds):
            for q in queries:
                t0 = time.perf_counter()
                search(profile.store, q)
                times.append(time.perf_counter() - t0)
    return {"index_per_s": count / index_s, "search_ms": statistics.median(times) * 1000,
            "search_p95_ms": percentile(times, 95) * 1000, "queries": len(times)}


class PatternReader:
    """``size`` bytes generated on the fly: the benchmark never holds the file either."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.block = hashlib.sha512(b"bench").digest() * 1024
        self.counter = 0

    def read(self, n: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        n = min(self.left, len(self.block) if n < 0 else n)
        out = bytearray()
        while len(out) < n:
            self.counter += 1
            take = min(n - len(out), len(self.block))
            out += self.counter.to_bytes(8, "big") + self.block[8:take] if take > 8 else b"x"
        self.left -= n
        return bytes(out[:n])


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak_rss() -> int:
    """Reset the kernel's resident high-water mark (Linux); return the resident size now.

    ru_maxrss is no use here: Linux carries it over from the parent across
    fork and exec, so a child of a big process starts with the parent's peak.
    """
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass  # older kernels: VmHWM then also counts start-up, an overestimate
    return _status_kib("VmRSS")


def attach_child(backend: str, home: Path, size: int) -> dict[str, float]:
    """Runs in a fresh process so ru_maxrss reflects this step alone."""
    with BACKENDS[backend](home) as profile:
        draft = create_draft(profile, FORM, {"incident_title": "attachment bench"})
        rss0 = reset_peak_rss()
        tracemalloc.start()
        t0 = time.perf_counter()
        ref = add_attachment(profile.store, draft.record_id, PatternReader(size), "film.mp4")
        t_attach = time.perf_counter() - t0
        t0 = time.perf_counter()
        total = 0
        with open_attachment(profile.store, ref.sha256) as reader:
            for chunk in reader.chunks():
                total += len(chunk)
        t_read = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss1 = _status_kib("VmHWM")
    assert total == size
    # The high-water mark since the reset, minus the resident size at the
    # reset: what the step itself added at its worst moment.
    return {"attach_s": t_attach, "read_s": t_read, "peak_mib": peak / MIB,
            "rss_delta_mib": max(0, rss1 - rss0) / 1024, "rss_peak_mib": rss1 / 1024}


def bench_attach(backend: str, home: Path, size: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--attach-child", backend, str(home), str(size)],
        check=True, capture_output=True, text=True,
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


# -- report ------------------------------------------------------------------------------


def rows(results: dict[str, dict[str, float]], sizes: dict[str, int]) -> Iterator[tuple[str, ...]]:
    fk, pl = results["fieldkit"], results["plain"]

    def row(label: str, key: str, fmt: str, target: str) -> tuple[str, ...]:
        ratio = fk[key] / pl[key] if pl[key] else float("nan")
        return (label, format(fk[key], fmt), format(pl[key], fmt), f"{ratio:.2f}", target)

    yield row(f"sealed records/s, batch of {sizes['batch']}", "batch_per_s", ".0f", ">= 2000")
    yield row("one interactive seal, median ms", "seal_ms", ".1f", "<= 20")
    yield row("one interactive seal, p95 ms", "seal_p95_ms", ".1f", "")
    yield row("seal during the batch's background checkpoint, max ms", "seal_during_max_ms",
              ".1f", "")
    yield row(f"index records/s ({sizes['search']} records)", "index_per_s", ".0f", "")
    yield row(f"search median ms ({sizes['search']} records)", "search_ms", ".2f", "")
    yield row(f"search p95 ms ({sizes['search']} records)", "search_p95_ms", ".2f", "<= 50")
    mib = sizes["attach"] // MIB
    yield row(f"attach {mib} MiB, s", "attach_s", ".2f", "")
    yield row(f"read back {mib} MiB, s", "read_s", ".2f", "")
    yield row("attach+read tracemalloc peak MiB", "peak_mib", ".2f", "<= 64")
    yield row("attach+read peak RSS growth MiB", "rss_delta_mib", ".1f", "<= 64")
    yield row("peak RSS during attach+read MiB", "rss_peak_mib", ".1f", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--seal-only", action="store_true",
                        help="only the sealing measurements, on the fieldkit store")
    parser.add_argument("--attach-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.attach_child:
        backend, home, size = args.attach_child
        print(json.dumps(attach_child(backend, Path(home), int(size))))
        return
    sizes = (
        {"batch": 1000, "interactive": 20, "search": 10_000, "rounds": 5, "attach": 32 * MIB}
        if args.quick
        else {"batch": 10_000, "interactive": 50, "search": 100_000, "rounds": 10,
              "attach": 256 * MIB}
    )
    scratch = Path(tempfile.mkdtemp(prefix="fieldkit-bench-"))
    if args.seal_only:
        try:
            sealed = bench_seal(product_profile, scratch / "seal", sizes["batch"],
                                sizes["interactive"])
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        print(f"batch seal: {sealed['batch_per_s']:,.0f} records/s; interactive seal"
              f" median {sealed['seal_ms']:.1f} ms, p95 {sealed['seal_p95_ms']:.1f} ms;"
              f" {sealed['seal_during_n']:.0f} seals during the background checkpoint,"
              f" slowest {sealed['seal_during_max_ms']:.1f} ms")
        return
    results: dict[str, dict[str, float]] = {}
    try:
        for name, make in BACKENDS.items():
            r: dict[str, float] = {}
            r |= bench_seal(make, scratch / f"{name}-seal", sizes["batch"], sizes["interactive"])
            print(f"[{name}] sealing done", file=sys.stderr)
            r |= bench_search(make, scratch / f"{name}-search", sizes["search"], sizes["rounds"])
            print(f"[{name}] search done", file=sys.stderr)
            r |= bench_attach(name, scratch / f"{name}-attach", sizes["attach"])
            print(f"[{name}] attachments done", file=sys.stderr)
            results[name] = r
            shutil.rmtree(scratch / f"{name}-seal", ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"SQLCipher store vs plain SQLite {sqlite3.sqlite_version}, same schema and code;"
          " WAL, synchronous=FULL, secure_delete=ON")
    print(f"search: {int(results['fieldkit']['queries'])} queries per backend "
          f"({len(QUERIES_EN)} English, {len(QUERIES_MY)} Burmese, 1 rare tag), limit 50")
    print()
    header = ("measure", "fieldkit", "plain SQLite", "fieldkit/plain", "target")
    table = [header, *rows(results, sizes)]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(line, widths, strict=True))))


if __name__ == "__main__":
    main()
