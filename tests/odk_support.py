"""Submissions CSVs shaped as ODK Central and KoboToolbox export them, for a magcheck XLSForm."""

from __future__ import annotations

import csv
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from magcheck.core.model import Questionnaire


@dataclass
class Planted:
    """One submission as a phone would send it; answers are the choice values typed in."""

    instance: str
    group: str
    day: str
    code: str
    answers: dict[str, str] = field(default_factory=dict)


def plant(
    q: Questionnaire, groups: list[str], days: list[str], n: int = 50, seed: int = 3
) -> list[Planted]:
    """n submissions spread over every group and day; the first group's first day answers every
    item at its strongest (5, or 1 on a reverse item), so its report is known in advance."""
    rng = random.Random(seed)
    out = []
    cells = [(g, d) for g in groups for d in days]
    for i in range(n):
        group, day = cells[i % len(cells)]
        if (group, day) == cells[0]:
            answers = {it.id: "1" if it.reverse else "5" for it in q.items}
        else:
            answers = {}
            for it in q.items:
                pick = rng.random()
                if pick < 0.05:
                    answers[it.id] = q.scale.non_answers[0]
                else:
                    answers[it.id] = str(rng.randint(1, 5))
        out.append(
            Planted(str(uuid.UUID(int=rng.getrandbits(128))), group, day, f"M{i + 1}", answers)
        )
    return out


def central_csv(path: Path, q: Questionnaire, subs: list[Planted], content_hash: str = "") -> Path:
    """ODK Central's 'Download all data' CSV: group paths joined with '-', comma-separated."""
    items = [f"items-{it.id}" for it in q.items]
    header = ["SubmissionDate", "start", "end", "group", "meeting_date", "respondent", *items]
    header += ["magcheck_hash", "magcheck_questionnaire", "meta-instanceID", "KEY"]
    header += ["SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected"]
    header += ["Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for s in subs:
            w.writerow(
                [
                    f"{s.day}T18:30:12.345Z",
                    f"{s.day}T17:02:00.000-03:00",
                    f"{s.day}T17:09:41.000-03:00",
                    s.group,
                    s.day,
                    s.code,
                    *(s.answers[it.id] for it in q.items),
                    content_hash or q.content_hash,
                    f"{q.id} v{q.version}",
                    f"uuid:{s.instance}",
                    f"uuid:{s.instance}",
                    "7",
                    "phone-1",
                    "0",
                    "0",
                    "",
                    "",
                    "collect:abc123",
                    "0",
                    f"{q.version}-{q.content_hash[:12]}",
                ]
            )
    return path


def kobo_csv(path: Path, q: Questionnaire, subs: list[Planted], delimiter: str = ";") -> Path:
    """KoboToolbox's CSV export (XML values and headers, group names with '/', ';' between)."""
    items = [f"items/{it.id}" for it in q.items]
    header = ["start", "end", "group", "meeting_date", "respondent", *items]
    header += ["magcheck_hash", "magcheck_questionnaire", "meta/instanceID", "_id", "_uuid"]
    header += ["_submission_time", "_validation_status", "_notes", "_status", "_submitted_by"]
    header += ["__version__", "_tags", "_index"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        for n, s in enumerate(subs, 1):
            w.writerow(
                [
                    f"{s.day}T17:02:00.000-03:00",
                    f"{s.day}T17:09:41.000-03:00",
                    s.group,
                    s.day,
                    s.code,
                    *(s.answers[it.id] for it in q.items),
                    q.content_hash,
                    f"{q.id} v{q.version}",
                    f"uuid:{s.instance}",
                    str(1000 + n),
                    s.instance,
                    f"{s.day}T21:30:12",
                    "",
                    "",
                    "submitted_via_web",
                    "",
                    "vGhmKhzFrs3vTyPDpCy8Bd",
                    "",
                    str(n),
                ]
            )
    return path
