"""How far each printed paper form has come: printed, keyed once or twice, verified."""

from __future__ import annotations

from .sessions import SessionTables

# One word a form, from the tables entry fills (paper_entries, paper_verified): the furthest
# step reached wins.
_STATUS = (
    "SELECT f.serial,"
    " EXISTS(SELECT 1 FROM paper_verified v WHERE v.serial = f.serial) AS verified,"
    " (SELECT count(*) FROM paper_entries e WHERE e.serial = f.serial"
    "  AND e.completed_at IS NOT NULL) AS done,"
    " (SELECT count(*) FROM paper_entries e WHERE e.serial = f.serial) AS started"
    " FROM paper_forms f"
)


class PaperStatus(SessionTables):
    def paper_status(self) -> dict[int, str]:
        """Each printed form's serial -> 'printed', 'being entered', 'entered once',
        'entered twice' or 'verified'."""
        found: dict[int, str] = {}
        for serial, verified, done, started in self._query(_STATUS):
            if verified:
                found[serial] = "verified"
            elif done >= 2:
                found[serial] = "entered twice"
            elif done == 1:
                found[serial] = "entered once"
            elif started:
                found[serial] = "being entered"
            else:
                found[serial] = "printed"
        return found
