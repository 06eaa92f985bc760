"""A real git history of the bundled log, for the tests of --rev, changes and --since.

Four commits, a month apart: the bundled log (2021-01-10), the first event's title
corrected (2021-02-10), a rating added (2021-03-10), an event added (2021-04-10).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tui.model.bundled import bundled_log

ADDED_ID = "history-test-added"
CORRECTED = "(corrected) "  # put before the first event's title
DATES = ("2021-01-10", "2021-02-10", "2021-03-10", "2021-04-10")


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = dict(os.environ)
    if date is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T12:00:00+00:00"
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Ana", "-c", "user.email=a@x", *args],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    return done.stdout.decode()


def build_history(repo: Path) -> Path:
    """Make the four-commit repository at ``repo``; its path (the log is ``log.yaml``)."""
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    log = repo / "log.yaml"
    text = bundled_log().read_text(encoding="utf-8")
    log.write_text(text, encoding="utf-8")
    git(repo, "add", "log.yaml")
    git(repo, "commit", "-qm", "First", date=DATES[0])
    head, events = text.split("\nevents:\n", 1)
    first_title = next(line for line in events.splitlines() if line.startswith("    title: "))
    text = (
        head
        + "\nevents:\n"
        + events.replace(first_title, first_title.replace("title: ", f"title: {CORRECTED}", 1), 1)
    )
    log.write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", "Correct a title", date=DATES[1])
    marker = "      ratings:\n"
    at = text.index(marker) + len(marker)
    text = text[:at] + "        - {status: stalled, as_of: 2020-01-01}\n" + text[at:]
    log.write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", "Rate a pledge", date=DATES[2])
    source_lines = text.split("\nsources:\n", 1)[1].splitlines()
    source = next(line for line in source_lines if not line.lstrip().startswith("#"))
    source = source.split(":", 1)[0].strip()
    text += (
        f"  - id: {ADDED_ID}\n    date: 2021-06-01\n    kind: statement\n"
        f"    title: A statement added later\n    sources: [{source}]\n"
    )
    log.write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", "Add an event", date=DATES[3])
    return repo
