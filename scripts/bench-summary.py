#!/usr/bin/env python3
"""Prints the Summary table of docs/BENCHMARKS.md from the sections one `make bench` run wrote
to out/bench/<area>.md: every table row that carries a target (a non-empty "met?" cell)."""
import pathlib
import sys

AREAS = [("csv", "CSV (2)"), ("vcard", "vCard (3)"), ("ical", "iCalendar (4)"), ("exchange", "EWS (5)"),
         ("match", "dedupe (6)"), ("push", "push (7)")]


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def rows(text):
    """Yields (header, row) for every data row of every table in `text`."""
    header = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        c = cells(line)
        if header is None:
            header = c
        elif all(set(x) <= set("-: ") for x in c):
            continue
        else:
            yield header, c


def pick(header, row, *names, skip=()):
    for i, h in enumerate(header):
        low = h.lower()
        if any(n in low for n in names) and not any(s in low for s in skip) and i < len(row):
            return row[i]
    return ""


def main(folder):
    print("| area (issue) | measure | ferry | peer | ratio | target | met? |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, label in AREAS:
        path = pathlib.Path(folder) / f"{name}.md"
        if not path.exists():
            continue
        for header, row in rows(path.read_text()):
            met = pick(header, row, "met")
            # The target column: the last one named so (dedupe's first column is named "target").
            targets = [i for i, h in enumerate(header) if h.lower() == "target" and i > 0]
            target = row[targets[-1]] if targets and targets[-1] < len(row) else ""
            if not met or met in ("—", "-") or not target:
                continue
            ferry = pick(header, row, "ferry")
            peer = pick(header, row, "python", "vobject", "lxml", "peer", "icalendar")
            ratio = pick(header, row, "ratio")
            print(f"| {label} | {row[0]} | {ferry} | {peer} | {ratio} | {target} | {met} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out/bench")
