"""How fast the app feels: start to unlock screen, unlock to home, a 100,000-record cases list.

Run: .venv/bin/python bench/tui.py [--records N]

Prints one table. "start -> unlock ready" is measured from just before the
child process is spawned until the child reports the unlock screen mounted,
so it includes the interpreter's start and every import. Unlock uses the
product's Argon2id parameters; the cases list is filled with synthetic rows
by SQL (records, their facets and the installed forms) and opened with the
cheap test KDF.

"(frame)" rows run from the key press to the last frame the app drew for it;
"(Pilot, idle)" rows run until Textual's test pilot finds the process idle,
which adds at least two 20 ms idle checks to the work itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASS = "bench passphrase, not secret"


def child_ready(home: str) -> None:
    """In the child: run the app headless and say when the unlock screen is mounted."""
    from fieldkit.kdf import TESTING
    from fieldkit.tui.app import FieldkitApp
    from fieldkit.tui.screens.unlock import UnlockScreen

    async def main() -> None:
        app = FieldkitApp(Path(home), params=TESTING, idle_check_seconds=None)
        async with app.run_test(size=(120, 40)) as pilot:
            while not isinstance(app.screen, UnlockScreen):
                await pilot.pause(0.001)
            await pilot.pause()
            print("ready", flush=True)

    asyncio.run(main())


def start_to_unlock(home: Path, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", str(home)],
            stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        best = min(best, time.perf_counter() - t0)
        proc.wait()
        if line.strip() != "ready":
            raise SystemExit("the child did not report the unlock screen")
    return best


def fill(home: Path, count: int) -> None:
    """``count`` synthetic sealed-looking rows (drafts, to skip signing) with facets."""
    from fieldkit.formstore import ensure_form_installed
    from fieldkit.kdf import TESTING
    from fieldkit.profile import Profile
    from forms import library_forms, states, townships

    places = [(s.code, t.code) for s in states() for t in townships(s.code)]
    forms = ["incident", "testimony", "displacement", "defector_debrief"]
    with Profile.create(home, PASS, name="Bench", role="coordinator", params=TESTING) as p:
        with p.store.transaction() as conn:
            # Saving a record installs its form; the list reads titles from there.
            for form in library_forms():
                ensure_form_installed(conn, form)
            conn.executemany(
                "INSERT INTO records (id, form_id, form_version, author, created_at,"
                " updated_at, status, answers) VALUES (?, ?, 1, 'bench', ?, ?, 'draft', ?)",
                (
                    (f"{i:012d}", forms[i % 4], "2024-01-01T00:00:00Z",
                     "2024-01-01T00:00:00Z", json.dumps({"n": i}))
                    for i in range(count)
                ),
            )
            conn.executemany(
                "INSERT INTO record_facets (record_id, form_id, date, state, township)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    (f"{i:012d}", forms[i % 4], f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                     *places[i % len(places)])
                    for i in range(count)
                ),
            )


async def in_app(product_home: Path, big_home: Path) -> dict[str, float]:
    from textual.widgets import Input

    from fieldkit.kdf import PRODUCT, TESTING
    from fieldkit.tui.app import FieldkitApp
    from fieldkit.tui.screens.cases import CasesScreen, CaseTable
    from fieldkit.tui.screens.home import HomeScreen

    out: dict[str, float] = {}

    async def unlock(pilot: Any, app: FieldkitApp, passphrase: str) -> float:
        app.screen.query_one("#passphrase", Input).value = passphrase
        t0 = time.perf_counter()
        await pilot.press("enter")
        while not isinstance(app.screen, HomeScreen):
            await pilot.pause(0.001)
        await pilot.pause()
        return time.perf_counter() - t0

    app = FieldkitApp(product_home, params=PRODUCT, idle_check_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        out["unlock -> home (product Argon2id)"] = await unlock(pilot, app, PASS)

    app = FieldkitApp(big_home, params=TESTING, idle_check_seconds=None)
    frames: list[float] = []
    display = app._display

    def timed_display(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if isinstance(screen, CasesScreen):
            frames.append(time.perf_counter())

    app._display = timed_display  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, app, PASS)
        t0 = time.perf_counter()
        await pilot.press("c")
        while not isinstance(app.screen, CasesScreen):
            await pilot.pause(0.001)
        await pilot.pause()
        settled = time.perf_counter() - t0
        out["open cases list: first frame"] = frames[0] - t0
        out["open cases list: last frame"] = frames[-1] - t0
        out["open cases list (Pilot, idle)"] = settled
        table = app.screen.query_one(CaseTable)
        for label, key in (("cursor one page down", "pagedown"),
                           ("cursor one page down again", "pagedown"),
                           ("jump to the last row", "end"),
                           ("one page up from the end", "pageup")):
            frames.clear()
            t0 = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            out[label + " (frame)"] = frames[-1] - t0
        out["(rows in list)"] = float(table.total)
        frames.clear()
        t0 = time.perf_counter()
        await pilot.press("f")
        await pilot.pause()
        out["show the filter panel (frame)"] = frames[-1] - t0
        place = app.screen.query_one("#filter-place .picker-input", Input)
        place.focus()
        await pilot.press(*"Yangon")
        frames.clear()
        t0 = time.perf_counter()
        await pilot.press("enter")
        await pilot.pause()
        out["filter by state/region (frame)"] = frames[-1] - t0
        out["(rows in Yangon)"] = float(table.total)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", metavar="HOME", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_ready(args.child)
        return

    from fieldkit.kdf import PRODUCT
    from fieldkit.profile import Profile

    with tempfile.TemporaryDirectory(prefix="fieldkit-bench-") as tmp:
        product_home = Path(tmp) / "product"
        Profile.create(product_home, PASS, name="Bench", role="fieldworker",
                       params=PRODUCT).close()
        big_home = Path(tmp) / "big"
        t0 = time.perf_counter()
        fill(big_home, args.records)
        filled = time.perf_counter() - t0
        rows = {"start -> unlock screen ready": start_to_unlock(product_home, args.runs)}
        rows.update(asyncio.run(in_app(product_home, big_home)))

    targets = {"start -> unlock screen ready": 1.0, "open cases list: last frame": 0.3,
               "open cases list (Pilot, idle)": 0.3}
    print(f"fieldkit TUI bench ({args.records:,} records, filled by SQL in {filled:.1f} s)")
    print(f"{'step':<40}{'ms':>10}{'target ms':>12}{'ratio':>8}")
    for label, seconds in rows.items():
        if label.startswith("("):
            print(f"{label:<40}{int(seconds):>10,}")
            continue
        target = targets.get(label)
        ratio = f"{seconds / target:.2f}" if target else ""
        shown = f"{target * 1000:.0f}" if target else ""
        print(f"{label:<40}{seconds * 1000:>10.1f}{shown:>12}{ratio:>8}")


if __name__ == "__main__":
    main()
