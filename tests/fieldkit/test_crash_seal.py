"""Crash safety: SIGKILL a process that is sealing records, 20 times, then check everything."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldkit import audit, records
from fieldkit.chain import signed_bytes, verify_record
from fieldkit.formstore import install_form
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from forms import load_form_file

DATA = Path(__file__).parents[1] / "data" / "records"
PASSPHRASE = "crash test passphrase"
KILLS = 20

# The child seals single records (one commit each, the interactive path) and
# small batches (one commit per batch), printing each id only after its
# commit has returned: every printed id is a promise that must survive.
CHILD = """
import sys
from pathlib import Path
from fieldkit import records
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile

profile = Profile.open(Path(sys.argv[1]), sys.argv[2], params=TESTING)
print("ready", flush=True)
n = 0
while True:
    n += 1
    answers = {"summary": f"ရွာ record {n} " + "narrative " * 40, "people": n}
    if n % 3 == 0:
        done = records.seal_many(profile, [("kat_form", answers)] * 4)
    else:
        done = [records.seal_new(profile, "kat_form", answers)]
    sys.stdout.write("".join(s.id + "\\n" for s in done))
    sys.stdout.flush()
"""


@pytest.mark.slow
def test_sigkill_while_sealing_loses_nothing_promised(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Profile.create(home, PASSPHRASE, name="Crash", role="fieldworker",
                        params=TESTING) as profile:
        install_form(profile.store, load_form_file(DATA / "kat-form.yaml"))
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    chooser = random.Random(20261122)  # moments vary by round, reproducibly
    promised: list[str] = []
    for _ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, str(script), str(home), PASSPHRASE],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
        )
        assert child.stdout is not None
        assert child.stdout.readline() == b"ready\n"
        # The first seal of a process also loads the form; start the clock
        # once sealing runs at its normal pace, so kills land mid-seal.
        first = child.stdout.readline()
        assert len(first) == 37, "the child could not seal"
        promised.append(first.decode().strip())
        time.sleep(chooser.uniform(0.0, 0.12))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        for line in child.stdout.read().split(b"\n"):
            if len(line) == 36:  # a whole id; a torn last line was never a promise
                promised.append(line.decode())
        child.stdout.close()
        assert child.returncode == -signal.SIGKILL
    assert len(promised) > 2 * KILLS  # the kills landed while records were being sealed

    with Profile.open(home, PASSPHRASE, params=TESTING) as profile:
        assert profile.store.integrity_check() == "ok"
        me = profile.identity.public
        for rid in promised:
            row = profile.store.query_one(
                "SELECT status, answers, canonical, hash, signature FROM records WHERE id = ?",
                (rid,))
            assert row is not None and row[0] == "sealed"
            verify_record(signed_bytes(row[1], row[2]), bytes(row[3]), bytes(row[4]), me)
        report = records.verify_own_chain(profile)
        assert report.ok, [p.message for p in report.problems]
        assert report.count >= len(set(promised)), report.count
        assert profile.store.query_one(
            "SELECT count(*) FROM records WHERE status = 'draft'") == (0,)
        audit.verify(profile.store)
