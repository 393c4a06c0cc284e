"""Run every benchmark on the large demo database and write bench/results.json.

Each benchmark measures our code and a floor in the same run (for example the time to show the
applications list over the bare SQLite query that feeds it) and prints the ratio next to its
target. Timings are medians of several runs; nothing here is a test: a slow figure is reported,
not failed.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent
REASON = "Withdrawn at the applicant's request"
RESULTS = HERE / "results.json"


def median_time(action: Callable[[], object], runs: int = 5) -> float:
    """The median wall time of `runs` calls of `action`, each started on a just-collected heap
    (so a full garbage collection the previous call left due does not land in this one, which
    on the small floors, ~10 ms, doubled a ratio from one run of the benchmark to the next)."""
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def result(
    name: str, seconds: float, floor: float | None, target: float | None, **extra: object
) -> dict:
    """One entry of results.json."""
    ratio = seconds / floor if floor else None
    return {
        "name": name,
        "seconds": round(seconds, 6),
        "floor_seconds": round(floor, 6) if floor is not None else None,
        "ratio": round(ratio, 3) if ratio is not None else None,
        "target": target,
        **extra,
    }


# -- (a) start-up --------------------------------------------------------------------------------
def bench_startup(database: Path, runs: int = 5) -> dict:
    """Process start to main window painted with its first list (Today) filled, vs a bare window."""
    ours = [sys.executable, "-m", "usrg_desktop", "--database", str(database), "--exit-after-start"]
    bare = [sys.executable, str(HERE / "bare_window.py")]

    # As installed (pip and PyInstaller compile every module), our modules load from .pyc
    # files: a PYTHONDONTWRITEBYTECODE in the environment would have ours compile every module
    # at every start while the bare window compiles none, and measure that instead.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def run(cmd: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        return time.perf_counter() - start

    run(ours), run(bare)  # warm the file cache and write the .pyc files
    ours_t, bare_t = [], []
    for _ in range(runs):  # interleaved, so both see the same machine load
        ours_t.append(run(ours))
        bare_t.append(run(bare))
    return result(
        "startup_to_painted_main_window", statistics.median(ours_t), statistics.median(bare_t), 2.5
    )


# -- (b) the applications list ------------------------------------------------------------------
def bench_applications_list(database: Path) -> list[dict]:
    """Show the applications list (query, model, view) vs the bare SQLite query; sort; filter."""
    from PySide6.QtWidgets import QApplication, QTableView

    from usrg_desktop import storage
    from usrg_desktop.views.list_page import ListPage
    from usrg_desktop.views.table_model import ListingTableModel
    from usrg_desktop.views.worker import Worker
    from usrg_desktop.workflows.grants.listings import application_listing

    app = QApplication.instance() or QApplication([])

    class RecordingDatabase(storage.Database):
        sql = ""

        def rows(self, sql, params=None):
            RecordingDatabase.sql = sql
            return super().rows(sql, params)

    db = RecordingDatabase(database)
    listing = application_listing(db)
    count = len(listing.rows)

    def bare_query() -> None:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            conn.execute(RecordingDatabase.sql).fetchall()

    view = QTableView()
    view.resize(1280, 800)
    view.show()

    def show_list() -> None:
        model = ListingTableModel()
        model.set_listing(application_listing(db))
        view.setModel(model)
        app.processEvents()

    floor = median_time(bare_query)
    shown = median_time(show_list)
    entries = [result("applications_list_shown", shown, floor, 3.0, rows=count)]

    model = ListingTableModel()
    model.set_listing(listing)
    view.setModel(model)
    plain_rows = list(listing.rows)
    worst_sort, worst_floor = 0.0, 0.0
    for column in range(len(listing.columns)):
        worst_sort = max(worst_sort, median_time(lambda c=column: model.sort(c), runs=3))
        worst_floor = max(
            worst_floor,
            median_time(
                lambda c=column: sorted(
                    plain_rows, key=lambda r: (True, 0) if r[c] is None else (False, r[c])
                ),
                runs=3,
            ),
        )
    entries.append(
        result(
            "applications_list_sort_worst_column",
            worst_sort,
            worst_floor,
            None,
            target_seconds=0.1,
            rows=count,
        )
    )
    view.close()
    # Typing in the filter box of the list as the program shows it (a ListPage whose rows and
    # haystacks came from its worker); each keystroke's time is the median of three typings.
    page = ListPage(
        "Applications", "applications", lambda: application_listing(db), worker=Worker()
    )
    page.resize(1280, 800)
    page.show()
    page.reload()
    page.wait_loaded()
    app.processEvents()
    typed = "ethekwini safe"
    timings: list[list[float]] = [[] for _ in typed]
    for _ in range(3):
        for i in range(1, len(typed) + 1):
            start = time.perf_counter()
            page.filter_edit.setText(typed[:i])
            app.processEvents()
            timings[i - 1].append(time.perf_counter() - start)
        page.filter_edit.clear()
        app.processEvents()
    keystrokes = [statistics.median(t) for t in timings]
    page.worker.stop(wait_s=5)
    page.close()
    haystack = [" ".join(str(v) for v in r).lower() for r in plain_rows]
    filter_floor = median_time(lambda: [h for h in haystack if "ethekwini" in h])
    worst = max(keystrokes)
    print(
        f"filter: worst keystroke at {count} rows {worst * 1000:.1f} ms (target 50 ms), "
        f"{worst / filter_floor:.1f}× the bare filtering of the same rows"
    )
    entries.append(
        result(
            "applications_list_filter_worst_keystroke",
            worst,
            filter_floor,
            None,
            target_seconds=0.05,
            rows=count,
        )
    )
    return entries


# -- issue 3: moving applications through a transition --------------------------------------------
def bench_transitions(database: Path, moves: int = 1000) -> dict:
    """1,000 withdrawals vs the bare UPDATE + audit INSERT, one commit each."""
    from usrg_desktop import storage
    from usrg_desktop.domain.accounts import Role
    from usrg_desktop.workflows.grants import applications as wf

    with tempfile.TemporaryDirectory() as tmp:
        ours_path, floor_path = Path(tmp) / "ours.sqlite3", Path(tmp) / "floor.sqlite3"
        shutil.copyfile(database, ours_path)
        shutil.copyfile(database, floor_path)
        with sqlite3.connect(ours_path) as conn:
            states = dict(
                conn.execute(
                    "SELECT id, state FROM applications WHERE state IN ('submitted', 'screening', "
                    "'in_review', 'reviewed', 'declined', 'ineligible') ORDER BY id LIMIT ?",
                    (moves,),
                ).fetchall()
            )
        ids = sorted(states)
        if len(ids) < moves:
            raise SystemExit(f"the bench database has only {len(ids)} withdrawable applications")
        actor = wf.Actor(None, "Benchmark", Role.SECRETARIAT)
        db = storage.Database(ours_path)
        now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)

        def ours() -> None:
            for app_id in ids:
                with db.unit_of_work() as session:
                    wf.withdraw(
                        session,
                        application_id=app_id,
                        actor=actor,
                        now=now,
                        reason=REASON,
                    )

        def floor() -> None:
            conn = sqlite3.connect(floor_path, isolation_level=None)
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
                conn.execute(f"PRAGMA {pragma}")
            stamp = now.isoformat(" ")
            for app_id in ids:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "UPDATE applications SET state = 'withdrawn', state_changed_at = ?, "
                    "withdrawn_reason = ? WHERE id = ?",
                    (stamp, REASON, app_id),
                )
                # The audit log is hash-chained: the bare cost is reading the head and two
                # SHA-256 digests (a plain field join, not the program's canonical JSON).
                (head,) = conn.execute(
                    "SELECT chain_hash FROM audit_events ORDER BY id DESC LIMIT 1"
                ).fetchone()
                fields = (stamp, "Benchmark", "application", app_id, "withdraw", REASON)
                content = hashlib.sha256("|".join(map(str, fields)).encode()).hexdigest()
                chain = hashlib.sha256((head + content).encode()).hexdigest()
                conn.execute(
                    "INSERT INTO audit_events (occurred_at, actor_user_id, actor_name, entity, "
                    "entity_id, action, from_state, to_state, reason, detail, personal_digest, "
                    "content_hash, chain_hash) VALUES (?, NULL, 'Benchmark', 'application', ?, "
                    "'withdraw', ?, 'withdrawn', ?, '', ?, ?, ?)",
                    (stamp, app_id, states[app_id], REASON, content, content, chain),
                )
                conn.execute("COMMIT")
            conn.close()

        db.engine  # noqa: B018 - connect before timing, as the program has by then
        floor_t = median_time(floor, runs=1)
        ours_t = median_time(ours, runs=1)
        db.dispose()
    return result("withdraw_1000_applications_one_commit_each", ours_t, floor_t, 5.0, moves=moves)


def bench_meeting_pack(_database: Path) -> dict:
    """The pack of a full meeting vs ReportLab and pypdf alone making the same pages."""
    from bench.meeting_pack import floor_pack, full_meeting
    from usrg_desktop.printing.meeting_pack import meeting_pack_pdf

    data = full_meeting()
    pages = meeting_pack_pdf(data).pages  # also warms fonts and imports
    floor_t = median_time(lambda: floor_pack(data))
    ours_t = median_time(lambda: meeting_pack_pdf(data))
    return result("meeting_pack_full_meeting", ours_t, floor_t, 1.5, pages=pages)


def bench_ranking(database: Path) -> dict:
    """The Ranking screen's figures for the biggest round vs the bare query of its scores."""
    from bench.ranking import biggest_round, floor_scores, ours
    from usrg_desktop.storage import Database

    round_id, scores = biggest_round(database)
    db, conn = Database(database), sqlite3.connect(database)
    try:
        ours(db, round_id), floor_scores(conn, round_id)  # warm caches and imports
        ours_t = median_time(lambda: ours(db, round_id), runs=9)
        floor_t = median_time(lambda: floor_scores(conn, round_id), runs=9)
    finally:
        db.dispose()
        conn.close()
    return result("ranking_biggest_round", ours_t, floor_t, 5.0, scores=scores)


def bench_letters(_database: Path) -> list[dict]:
    """500 award letters issued as separate PDFs, and with one merged PDF, vs ReportLab alone."""
    from bench.letters import run

    entries = []
    for name, seconds, floor, pages in run():
        rate, floor_rate = round(pages / seconds, 1), round(pages / floor, 1)
        print(f"{name}: {pages} pages, {rate} pages/s (ReportLab alone: {floor_rate} pages/s)")
        entries.append(
            result(
                name,
                seconds,
                floor,
                1.5,
                pages=pages,
                pages_per_second=rate,
                floor_pages_per_second=floor_rate,
            )
        )
    return entries


def bench_scores_import(database: Path) -> dict:
    """200 scores files of 25 applications each vs the bare inserts, one transaction per file."""
    from bench.scores_import import FILES, run

    ours_t, floor_t, rows = run(database)
    return result("scores_import_200_files", ours_t, floor_t, 5.0, files=FILES, score_rows=rows)


def bench_stall(database: Path) -> list[dict]:
    """The longest GUI-thread stall (10 ms heartbeat) opening every screen and in long work."""
    from bench.stall import TARGET_SECONDS, run

    entries = []
    for step, seconds, where in run(database):
        if isinstance(seconds, str):  # the step broke: say so, record nothing
            print(f"stall: {step:34} {seconds}")
            continue
        flag = "" if seconds <= TARGET_SECONDS else "  (over the target)"
        print(f"stall: {step:34} {seconds * 1000:7.0f} ms{flag}")
        if seconds > TARGET_SECONDS:
            print(f"       held in: {'; '.join(where) or 'no sample'}")
        slug = "".join(ch if ch.isalnum() else "_" for ch in step.lower()).strip("_")
        while "__" in slug:
            slug = slug.replace("__", "_")
        entries.append(
            result(
                f"stall_{slug}",
                seconds,
                None,
                None,
                target_seconds=TARGET_SECONDS,
                step=step,
                held_in=where,
            )
        )
    return entries


def main() -> int:
    """Run the benchmarks, print a table, write bench/results.json."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--database", required=True, help="the large demo database")
    parser.add_argument("--only", help="run only benchmarks whose name contains this")
    args = parser.parse_args()
    database = Path(args.database).resolve()
    entries: list[dict] = []
    for bench in (
        bench_startup,
        bench_applications_list,
        bench_transitions,
        bench_meeting_pack,
        bench_ranking,
        bench_letters,
        bench_scores_import,
        bench_stall,
    ):
        if args.only and args.only not in bench.__name__:
            continue
        found = bench(database)
        entries.extend(found if isinstance(found, list) else [found])
    print(f"{'benchmark':44} {'seconds':>9} {'floor':>9} {'ratio':>7} {'target':>8}")
    for e in entries:
        target = f"≤{e['target']}×" if e["target"] else f"<{e['target_seconds'] * 1000:.0f} ms"
        ratio = f"{e['ratio']:.2f}" if e["ratio"] is not None else "-"
        print(
            f"{e['name']:44} {e['seconds']:9.4f} {e['floor_seconds'] or 0:9.4f} {ratio:>7} "
            f"{target:>8}"
        )
    if args.only and RESULTS.exists():
        # A partial run updates its own entries and keeps the others of the last full run.
        fresh = {e["name"] for e in entries}
        kept = [e for e in json.loads(RESULTS.read_text()) if e["name"] not in fresh]
        entries = kept + entries
    RESULTS.write_text(json.dumps(entries, indent=2) + "\n")
    print(f"written {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
