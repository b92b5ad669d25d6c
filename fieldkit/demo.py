"""The demo profile: a fieldworker with sample cases from the form library, for trying the app."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

from fieldkit import records
from fieldkit.kdf import PRODUCT, KdfParams
from fieldkit.locations import ProfilePaths
from fieldkit.profile import Profile
from forms import library_example, library_forms

# Printed on purpose: the demo holds only fictional cases.
DEMO_PASSPHRASE = "demo passphrase for training only"
DEMO_NAME = "Demo fieldworker"
COORDINATOR_NAME = "Demo coordinator"


@dataclass(frozen=True)
class DemoProfile:
    """Where the demo is and whether this run created it."""

    home: Path
    created: bool
    cases: int

    @property
    def coordinator(self) -> Path:
        return coordinator_home(self.home)


def coordinator_home(home: Path) -> Path:
    """The demo coordinator's profile, inside the demo fieldworker's folder."""
    return Path(home) / "coordinator"


def default_demo_home() -> Path:
    """A folder of its own, so a demo never mixes with a real profile."""
    return Path(platformdirs.user_data_dir("fieldkit", appauthor=False)) / "demo"


def fill_demo(profile: Profile) -> int:
    """Seal every library example, amend one, and leave one draft; return how many cases."""
    sealed = {}
    for form in library_forms():
        sealed[form.id] = records.seal_new(profile, form.id, library_example(form.id)).id
    count = len(sealed)
    if "incident" in sealed:
        corrected = dict(library_example("incident"))
        corrected["follow_up_notes"] = "Checked again a week later (an amendment, fictional)."
        records.amend(profile, sealed["incident"], corrected)
        draft = {k: v for k, v in library_example("incident").items()
                 if k in ("incident_title", "incident_date", "location")}
        draft["incident_title"] = "Unfinished report of a checkpoint arrest (fictional)"
        records.create_draft(profile, "incident", draft)
        count += 2
    return count


def create_demo(home: Path, passphrase: str, *, params: KdfParams = PRODUCT) -> DemoProfile:
    """Create the demo in ``home`` unless a profile is already there.

    A fieldworker with sample cases, and a coordinator (in ``home/coordinator``,
    same passphrase) that each trusts, so that export, import, receipts and the
    dashboard can all be tried without setting up a second device.
    """
    if ProfilePaths(home).database.exists():
        return DemoProfile(home, False, 0)
    with Profile.create(home, passphrase, name=DEMO_NAME, role="fieldworker",
                        params=params) as fieldworker:
        cases = fill_demo(fieldworker)
        with Profile.create(coordinator_home(home), passphrase, name=COORDINATOR_NAME,
                            role="coordinator", params=params) as coordinator:
            coordinator.trust(fieldworker.card_text(), fieldworker.fingerprint)
            fieldworker.trust(coordinator.card_text(), coordinator.fingerprint)
    return DemoProfile(home, True, cases)
