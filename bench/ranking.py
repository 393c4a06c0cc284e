"""The Ranking screen's figures for the biggest round vs the bare query of its scores.

Ours is `scoring.round_ranking` (candidates, decisions, every score of the round, conflicts
and affiliations, then the weighted means, spread, severity and standardisation) through
SQLAlchemy, over the open database as the screen has it. The floor is the one SQLite query
that fetches the same score rows with the application and reviewer of each, over an open
connection: what any ranking of the round must read at least.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from usrg_desktop.storage import Database

SCORE_ROWS_SQL = """
    SELECT a.application_id, a.reviewer_id, a.status, s.criterion_id, s.score
    FROM scores s
    JOIN assignments a ON a.id = s.assignment_id
    JOIN applications app ON app.id = a.application_id
    WHERE app.round_id = ?
"""


def biggest_round(database: Path) -> tuple[int, int]:
    """The id of the round with the most scores, and that number."""
    with sqlite3.connect(database) as conn:
        row = conn.execute(
            """
            SELECT app.round_id, COUNT(*) FROM scores s
            JOIN assignments a ON a.id = s.assignment_id
            JOIN applications app ON app.id = a.application_id
            GROUP BY app.round_id ORDER BY COUNT(*) DESC, app.round_id LIMIT 1
            """
        ).fetchone()
    return int(row[0]), int(row[1])


def floor_scores(conn: sqlite3.Connection, round_id: int) -> int:
    """Fetch the round's score rows over an open bare sqlite3 connection."""
    return len(conn.execute(SCORE_ROWS_SQL, (round_id,)).fetchall())


def ours(db: Database, round_id: int) -> int:
    """Compute the ranking as the screen does, over the program's open database."""
    from usrg_desktop.workflows.reviews.scoring import round_ranking

    with db.unit_of_work() as session:
        ranking = round_ranking(session, round_id)
    return len(ranking.ranked())
