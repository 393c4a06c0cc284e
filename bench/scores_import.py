"""Importing 200 scores files of 25 applications each vs the bare inserts of the same rows.

The scene is added to a copy of the given database (the large demo): a round under review with
25 applications, 200 reviewers each assigned all 25, and a packet (secret) per reviewer; then
200 signed scores files are written. Ours is `scores_file.import_many` (read, parse, verify
the signature, check reviewer, round, assignments, scales and required criteria, write, audit),
one unit of work per file. The floor, on another copy of the same scene, is what any import
must do at least: per file one transaction with the import row, the 25 assignment updates and
the 125 score rows, through the standard library's sqlite3 with the program's pragmas.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

FILES = 200
APPLICATIONS = 25
NOW = datetime(2026, 11, 25, 12, 0)


def build_scene(database: Path, folder: Path) -> tuple[Path, list[Path]]:
    """A copy of the database with the bench round, and the 200 scores files; returns both."""
    from usrg_desktop.workflows.reviews.scores_file import (
        SCORES_FORMAT,
        SCORES_VERSION,
        encode_scores,
        timestamp,
    )

    scene = folder / "scene.sqlite3"
    shutil.copyfile(database, scene)
    files: list[Path] = []
    conn = sqlite3.connect(scene)
    with conn:  # commits; closing below folds the WAL back, so that copies hold everything
        conn.execute("PRAGMA foreign_keys=ON")
        rubric_id = conn.execute(
            "SELECT id FROM rubrics ORDER BY is_default DESC, id LIMIT 1"
        ).fetchone()[0]
        criteria = conn.execute(
            "SELECT code, scale_min, scale_max FROM criteria WHERE rubric_id = ? ORDER BY position",
            (rubric_id,),
        ).fetchall()
        city_id = conn.execute("SELECT MIN(id) FROM cities").fetchone()[0]
        year = 2099
        cur = conn.execute(
            "INSERT INTO rounds (name, year, number, opens_on, closes_on, budget_cents, cap_cents,"
            " reviews_needed, review_deadline, status, rubric_id, last_sequence, created_at) "
            "VALUES ('Bench round', ?, 1, '2099-01-01', '2099-02-01', 100000000, 1000000, 3, "
            "'2099-03-01', 'reviewing', ?, ?, ?)",
            (year, rubric_id, APPLICATIONS, NOW.isoformat(" ")),
        )
        round_id = cur.lastrowid
        apps = []
        for n in range(1, APPLICATIONS + 1):
            cur = conn.execute(
                "INSERT INTO applications (round_id, reference, sequence, applicant_city_id, "
                "title, summary, problem, intervention, requested_cents, state, "
                "state_changed_at, created_at, withdrawn_reason) VALUES (?, ?, ?, ?, ?, '', '', "
                "'', 100000, 'in_review', ?, ?, '')",
                (
                    round_id,
                    f"USRG-IF-{year}-1-{n:03d}",
                    n,
                    city_id,
                    f"Bench application {n}",
                    NOW.isoformat(" "),
                    NOW.isoformat(" "),
                ),
            )
            apps.append((cur.lastrowid, f"USRG-IF-{year}-1-{n:03d}"))
        for r in range(FILES):
            cur = conn.execute(
                "INSERT INTO people (full_name, title, role, email, phone, consent_basis, active) "
                "VALUES (?, '', 'reviewer', ?, '', 'consent', 1)",
                (f"Bench Reviewer {r}", f"bench.reviewer.{r}@example.org"),
            )
            person_id = cur.lastrowid
            cur = conn.execute(
                "INSERT INTO reviewers (person_id, expertise, active) VALUES (?, '', 1)",
                (person_id,),
            )
            reviewer_id = cur.lastrowid
            conn.executemany(
                "INSERT INTO assignments (application_id, reviewer_id, method, status, "
                "assigned_at, overall_comment) VALUES (?, ?, 'automatic', 'assigned', ?, '')",
                [(app_id, reviewer_id, NOW.isoformat(" ")) for app_id, _ in apps],
            )
            uid, secret = secrets.token_hex(16), secrets.token_bytes(32).hex()
            conn.execute(
                "INSERT INTO review_packets (round_id, reviewer_id, packet_uid, signing_secret, "
                "issued_at) VALUES (?, ?, ?, ?, ?)",
                (round_id, reviewer_id, uid, secret, NOW.isoformat(" ")),
            )
            payload = {
                "format": SCORES_FORMAT,
                "version": SCORES_VERSION,
                "packet_id": uid,
                "round_id": round_id,
                "reviewer_id": reviewer_id,
                "written_at": timestamp(NOW - timedelta(hours=1, seconds=r)),
                "applications": [
                    {
                        "application_id": app_id,
                        "reference": ref,
                        "conflict": {"declared": False, "kind": None, "reason": None},
                        "scores": [
                            {
                                "criterion": code,
                                "score": lo + (r + a + i) % (hi - lo + 1),
                                "comment": f"Comment {i} of reviewer {r} on {ref}.",
                            }
                            for i, (code, lo, hi) in enumerate(criteria)
                        ],
                        "recommendation": "fund",
                        "comment": "A sound proposal.",
                    }
                    for a, (app_id, ref) in enumerate(apps)
                ],
            }
            path = folder / f"reviewer-{r:03d}.usrgscores"
            path.write_bytes(encode_scores(payload, secret))
            files.append(path)
    conn.close()
    return scene, files


def ours(scene: Path, files: list[Path]) -> float:
    """Seconds for import_many over the files, on a fresh copy of the scene."""
    from usrg_desktop.storage import Database
    from usrg_desktop.workflows import Actor
    from usrg_desktop.workflows.reviews.scores_file import REJECTED, import_many_now

    target = scene.with_name("ours.sqlite3")
    shutil.copyfile(scene, target)
    db = Database(target)
    try:
        actor = Actor(None, "Bench", "secretariat")
        db.rows("SELECT 1")
        with db.unit_of_work():
            pass  # the engine and its first connection, as in the running program
        start = time.perf_counter()
        report = import_many_now(db, files, actor=actor, now=NOW)
        seconds = time.perf_counter() - start
    finally:
        db.dispose()
    bad = [r.line for r in report.results if r.status == REJECTED]
    if bad:
        raise RuntimeError(f"the bench files were refused: {bad[0]}")
    return seconds


def floor(scene: Path, files: list[Path]) -> float:
    """Seconds for the bare writes of the same rows, one transaction per file (sqlite3)."""
    target = scene.with_name("floor.sqlite3")
    shutil.copyfile(scene, target)
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=FULL")
        codes = dict(conn.execute("SELECT code, id FROM criteria").fetchall())
        # The rows to write come ready from the files (parsing is ours to pay, not the floor's).
        prepared = []
        for path in files:
            payload = json.loads(path.read_bytes())["payload"]
            prepared.append((hashlib.sha256(path.read_bytes()).hexdigest(), payload))
        start = time.perf_counter()
        for digest, payload in prepared:
            conn.execute("BEGIN IMMEDIATE")
            packet_id = conn.execute(
                "SELECT id FROM review_packets WHERE packet_uid = ?", (payload["packet_id"],)
            ).fetchone()[0]
            import_id = conn.execute(
                "INSERT INTO scores_imports (packet_id, file_sha256, exported_at, imported_at, "
                "superseded) VALUES (?, ?, ?, ?, 0)",
                (packet_id, digest, payload["written_at"][:-1], NOW.isoformat(" ")),
            ).lastrowid
            rows = []
            for entry in payload["applications"]:
                assignment_id = conn.execute(
                    "SELECT id FROM assignments WHERE application_id = ? AND reviewer_id = ?",
                    (entry["application_id"], payload["reviewer_id"]),
                ).fetchone()[0]
                conn.execute(
                    "UPDATE assignments SET status = 'scored', recommendation = ?, "
                    "overall_comment = ?, scored_at = ?, scores_import_id = ? WHERE id = ?",
                    (
                        entry["recommendation"],
                        entry["comment"],
                        payload["written_at"][:-1],
                        import_id,
                        assignment_id,
                    ),
                )
                rows.extend(
                    (assignment_id, codes[s["criterion"]], s["score"], s["comment"])
                    for s in entry["scores"]
                )
            conn.executemany(
                "INSERT INTO scores (assignment_id, criterion_id, score, comment) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )
            conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()


def run(database: Path, runs: int = 3) -> tuple[float, float, int]:
    """Median seconds of ours and of the floor (interleaved runs), and the score rows written."""
    import statistics

    with tempfile.TemporaryDirectory(prefix="usrg-bench-scores-") as folder:
        scene, files = build_scene(database, Path(folder))
        ours_t, floor_t = [], []
        for _ in range(runs):
            ours_t.append(ours(scene, files))
            floor_t.append(floor(scene, files))
        with sqlite3.connect(scene) as conn:
            criteria = conn.execute(
                "SELECT COUNT(*) FROM criteria WHERE rubric_id = "
                "(SELECT rubric_id FROM rounds WHERE name = 'Bench round')"
            ).fetchone()[0]
    return statistics.median(ours_t), statistics.median(floor_t), FILES * APPLICATIONS * criteria
