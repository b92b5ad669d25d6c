"""Build forms/vocabularies/locations.json from the MIMU P-code 9.6 tables.

Run from the repository root:

    python scripts/build_locations.py [--data DIR] [--out FILE]

The product never reads the raw tables at run time; it ships the generated file.
Irregularities handled here (see shared/data/README.md):

* four Twantay rows have their columns rotated (English name in ``VT_Pcode``,
  a slug in the English name, the P-code in the Burmese name, the Burmese name
  in ``Source``): they are repaired by position;
* a village tract counts as inactive when any of its three status columns says
  ``Inactive`` (274 by GAD status plus 2 marked only by MIMU/field status);
  inactive village tracts are left out because they must not be offered for
  new records;
* Botahtaung (MMR013017) is listed once in the township table, which is the
  table we take the hierarchy from, so the duplicate district code of the raw
  release never reaches us.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

SOURCE = "Source: MIMU P-codes 9.6"
PCODE_SR = re.compile(r"^MMR\d{3}$")
PCODE_TS = re.compile(r"^MMR\d{6}$")
PCODE_VT = re.compile(r"^MMR\d{9}$")


def _clean(text: str) -> str:
    return " ".join(text.split())


def read_townships(path: Path) -> tuple[list[list[str]], list[list[str]]]:
    """Return (states, townships) rows: [pcode, en, my] and [pcode, state, en, my]."""
    states: dict[str, list[str]] = {}
    townships: dict[str, list[str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            sr, ts = row["sr_pcode"].strip(), row["ts_pcode"].strip()
            if not PCODE_SR.match(sr) or not PCODE_TS.match(ts) or not ts.startswith(sr):
                raise SystemExit(f"unexpected township row for {ts!r}")
            states.setdefault(sr, [sr, _clean(row["sr_name_en"]), _clean(row["sr_name_my"])])
            if ts in townships:
                raise SystemExit(f"township {ts} listed twice")
            townships[ts] = [ts, sr, _clean(row["ts_name_en"]), _clean(row["ts_name_my"])]
    return sorted(states.values()), sorted(townships.values())


def read_village_tracts(path: Path, township_codes: set[str]) -> tuple[list[list[str]], int]:
    """Return (active village tracts as [pcode, township, en, my], count of inactive)."""
    tracts: dict[str, list[str]] = {}
    inactive = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["VT_Pcode"].strip()
            name_en, name_my = row["Village_Tract_Name_Eng"], row["Village_Tract_Name_MMR"]
            if not PCODE_VT.match(code) and PCODE_VT.match(name_my.strip()):
                # The rotated Twantay rows: repair by position.
                code, name_en, name_my = name_my.strip(), row["VT_Pcode"], row["Source"]
            township = row["Tsp_Pcode"].strip()
            if not PCODE_VT.match(code) or not code.startswith(township):
                raise SystemExit(f"unexpected village tract row for {code!r}")
            if township not in township_codes:
                raise SystemExit(f"village tract {code} under unknown township {township}")
            statuses = (
                row["GAD_VillageTract_Status"],
                row["Field_VillageTract_Status"],
                row["MIMU_VillageTract_Mapping_Status"],
            )
            if any(status.strip().lower() == "inactive" for status in statuses):
                inactive += 1
                continue
            if code in tracts:
                raise SystemExit(f"village tract {code} listed twice")
            tracts[code] = [code, township, _clean(name_en), _clean(name_my)]
    return sorted(tracts.values()), inactive


def build(data: Path) -> dict[str, object]:
    """Build the locations document from the two MIMU tables."""
    states, townships = read_townships(data / "mmr_townships_mimu_pcode9.6.csv")
    tracts, _inactive = read_village_tracts(
        data / "mimu_pcode9.6_village_tract_data.csv", {row[0] for row in townships}
    )
    return {
        "source": SOURCE,
        "columns": {
            "states": ["pcode", "en", "my"],
            "townships": ["pcode", "state", "en", "my"],
            "village_tracts": ["pcode", "township", "en", "my"],
        },
        "states": states,
        "townships": townships,
        "village_tracts": tracts,
    }


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=root.parent / "shared" / "data")
    parser.add_argument(
        "--out", type=Path, default=root / "forms" / "vocabularies" / "locations.json"
    )
    args = parser.parse_args(argv)
    document = build(args.data)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    # One row per line keeps diffs of future MIMU releases readable.
    text = text.replace("],[", "],\n[")
    args.out.write_text(text + "\n", encoding="utf-8")
    counts = {key: len(document[key]) for key in ("states", "townships", "village_tracts")}  # type: ignore[arg-type]
    print(f"wrote {args.out}: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
