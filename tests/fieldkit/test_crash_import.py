"""Crash safety of import: SIGKILL at random moments leaves nothing or the whole bundle."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldkit import records
from fieldkit.exchange import export_bundle
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from tests.fieldkit.test_exchange_support import PASSPHRASE, dump, make_pair, seal

ROUNDS = 8
RECORDS = 150

CHILD = """
import sys, time
from pathlib import Path
from fieldkit.exchange import import_bundle
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile

profile = Profile.open(Path(sys.argv[1]), sys.argv[2], params=TESTING)
print("start", flush=True)
started = time.perf_counter()
with open(sys.argv[3], "rb") as src:
    import_bundle(profile, src)
print(f"done {time.perf_counter() - started:.3f}", flush=True)
"""


def _run(home: Path, bundle: Path, script: Path, kill_after: float | None) -> str:
    child = subprocess.Popen(
        [sys.executable, str(script), str(home), PASSPHRASE, str(bundle)],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "start"
    if kill_after is None:
        out = child.stdout.read()
        assert child.wait(timeout=120) == 0
        return out
    time.sleep(kill_after)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    return child.stdout.read()


@pytest.mark.slow
def test_sigkill_during_import_is_all_or_nothing(tmp_path: Path) -> None:
    pair = make_pair(tmp_path)
    rng = random.Random(20261123)
    seal(pair.field, 0, files=[rng.randbytes(24 * 1024 * 1024)])
    records.seal_many(pair.field, [("kat_form", {"summary": f"case {n} " * 30, "people": n})
                                   for n in range(RECORDS)])
    usb = tmp_path / "usb"
    usb.mkdir()
    result = export_bundle(pair.field, usb)
    assert result is not None and result.records == RECORDS + 1
    pair.close()
    pristine = tmp_path / "coord"
    with Profile.open(pristine, PASSPHRASE, params=TESTING) as coord:
        before = dump(coord)
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")

    # One undisturbed run tells how long an import takes here.
    timing = tmp_path / "timing"
    shutil.copytree(pristine, timing)
    took = float(_run(timing, result.path, script, None).split()[-1])
    outcomes = []
    for round_ in range(ROUNDS):
        home = tmp_path / f"round{round_}"
        shutil.copytree(pristine, home)
        _run(home, result.path, script, rng.uniform(0.0, took * 1.2))
        with Profile.open(home, PASSPHRASE, params=TESTING) as coord:
            assert coord.store.integrity_check() == "ok"
            imported = coord.store.query("SELECT count(*) FROM imports")[0][0]
            if imported:
                rows = coord.store.query(
                    "SELECT count(*) FROM records WHERE origin = ?", (result.bundle_id,))
                assert rows == [(RECORDS + 1,)]
                assert coord.store.query("SELECT count(*) FROM attachment_blobs") == [(1,)]
                outcomes.append("whole")
            else:
                assert dump(coord) == before
                outcomes.append("nothing")
        shutil.rmtree(home)
    # The random moments should have hit both sides at least once.
    assert "nothing" in outcomes, outcomes
