"""keys is the bottom layer: it imports nothing of the project but itself, and no UI."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN_ROOTS = ("forms", "sync", "fieldkit", "textual", "rich")

PROBE = """
import json, sys
import keys, keys.bech32, keys.card, keys.domains, keys.errors, keys.fingerprint, keys.identity
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_keys_imports_only_itself_and_no_textual() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    roots = set(json.loads(result.stdout))
    assert "keys" in roots
    assert roots.isdisjoint(FORBIDDEN_ROOTS), roots & set(FORBIDDEN_ROOTS)
