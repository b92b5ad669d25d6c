"""Time forms.validate_answers on the sealing benchmark's incident record (µs per record).

Not a test: prints the median of several runs of a few thousand validations,
with the same answers bench/records.py seals (the library example with a
short title and a ~400-character narrative in place of the example's).

    python bench/validate.py [--runs 7] [--number 2000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forms import library_example, library_form, validate_answers

# A fixed fictional narrative of about the length bench/records.py generates.
NARRATIVE = (
    "Case 000042. soldiers arrived village morning ရွာ burned houses market school "
    "monastery airstrike drone bomb စစ်တပ် shelling landmine arrested detained beaten "
    "killed injured fled forest camp displaced families children women elders farmer "
    "teacher monk truck column battalion checkpoint road river bridge clinic rice field "
    "cattle returned later searched phones took money မီးရှို့ threatened witnesses saw "
    "heard soldiers arrived village morning night burned houses market."
)


def answers(i: int = 42) -> dict[str, Any]:
    return {**library_example("incident"), "incident_title": f"Incident {i}",
            "narrative": NARRATIVE}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--number", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    form = library_form("incident")
    record = answers()
    today = dt.date(2024, 6, 15)
    result = validate_answers(form, record, today=today)
    assert result.ok, result.errors
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.number):
            validate_answers(form, record, today=today)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        return
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for _ in range(args.number):
            validate_answers(form, record, today=today)
        times.append((time.perf_counter() - start) / args.number * 1e6)
    print(f"validate_answers(incident): median {statistics.median(times):.1f} µs/record "
          f"(min {min(times):.1f}, max {max(times):.1f}; {args.runs} runs x {args.number})")


if __name__ == "__main__":
    main()
