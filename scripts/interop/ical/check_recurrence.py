#!/usr/bin/env python3
"""Recurrence differential (issue 4): on every corpus file, the occurrences ferry expands
(`ferry convert FILE --to ics --series expand --expand-from A --expand-until B`) equal the
ones python `recurring-ical-events` finds between A and B.

The window is fixed per file: from 1 January of the year of the file's first DTSTART, three
years long. Occurrences within a day of either edge are left out on both sides (ferry selects
by start, recurring-ical-events by overlap). An occurrence is compared by summary and start:
a UTC instant when it has a zone, else its wall clock or date. Disagreements that are not
ferry's fault are listed in KNOWN with the reason; anything else fails.

Usage: check_recurrence.py --ferry .build/debug/ferry --out DIR FILE...
"""
import argparse
import collections
import datetime as dt
import os
import subprocess
import sys
import warnings
import zoneinfo

import icalendar
import recurring_ical_events

# file name → reason. Each entry is a genuine disagreement, checked by hand.
KNOWN = {
    "blackberry-bis__icalendar__rfc_7529.ics":
        "RFC 7529 RSCALE/SKIP rules: recurring-ical-events drops these series; ferry does not expand them "
        "either but keeps each as a series (its DTSTART is then the only instance in the output)",
    "confluence__recurring-ical-events__issue_117_until_before_dtstart.ics":
        "UNTIL before DTSTART: ferry (FerryTime) keeps DTSTART as the first instance (RFC 5545 3.8.5.3 counts "
        "DTSTART as the first instance); recurring-ical-events yields nothing",
    "exchange-cdo__icalendar__issue_165_missing_event.ics":
        "python icalendar reads the RRULE with spaces in BYDAY, folded before ';WKST', as escaped text, so "
        "recurring-ical-events sees no rule and drops the event; ferry reads the rule (with a warning)",
    "exchange-khal__icalendar__issue_156_RDATE_with_PERIOD_TZID_khal.ics":
        "an override (RECURRENCE-ID;RANGE=THISANDFUTURE) with RDATEs and no master in the file: "
        "recurring-ical-events drops orphan overrides; ferry keeps it and expands its RDATEs",
    "google__icalendar__parsing_error.ics":
        "two series without UID, one with an empty EXDATE: recurring-ical-events groups both under one missing "
        "UID and skips them as a bad series; ferry reads both (warning about the empty EXDATE)",
    "nextcloud-sabredav__recurring-ical-events__end_before_start_event.ics":
        "DTEND before DTSTART: recurring-ical-events swaps them (start 07:00); ferry keeps DTSTART (07:30) and warns",
    "reservas__recurring-ical-events__issue_75_range_parameter.ics":
        "UNTIL is a DATE while DTSTART is a DATE-TIME (invalid): dateutil reads it as midnight and drops the "
        "12:00 instance on the UNTIL day; FerryTime includes the whole UNTIL day",
    "salesforce__vobject__vobject_0050.ics":
        "'DTEND: 20240812T223000Z' has a space before the value: python icalendar cannot read DTEND and "
        "recurring-ical-events skips the event; ferry reads it",
}

YEARS = 3


def norm(value):
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return "U" + value.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
        return "F" + value.strftime("%Y%m%dT%H%M%S")
    return "D" + value.strftime("%Y%m%d")


def wall(value):
    if isinstance(value, dt.datetime):
        return "W" + value.strftime("%Y%m%dT%H%M%S")
    return "D" + value.strftime("%Y%m%d")


def inside(value, lo, hi):
    """Whether a start lies in [lo, hi) (dates and naive times compared as UTC wall clocks)."""
    if isinstance(value, dt.datetime):
        v = value.astimezone(dt.timezone.utc).replace(tzinfo=None) if value.tzinfo else value
    else:
        v = dt.datetime(value.year, value.month, value.day)
    return lo <= v < hi


def first_start(cal):
    starts = []
    for comp in cal.walk("VEVENT"):
        s = comp.get("DTSTART")
        if s is None:
            continue
        try:
            d = s.dt
        except Exception:
            continue
        starts.append(d.year)
    return min(starts) if starts else None


def keys(components, lo, hi):
    out = collections.Counter()
    walls = collections.Counter()
    for c in components:
        s = c.get("DTSTART")
        if s is None:
            continue
        start = s.dt
        if not inside(start, lo, hi):
            continue
        summary = str(c.get("SUMMARY", "")).strip()
        out[(summary, norm(start))] += 1
        walls[(summary, wall(start))] += 1
    return out, walls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ferry", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    os.makedirs(args.out, exist_ok=True)
    failures, known, compared, total = [], [], 0, 0
    for path in args.files:
        name = os.path.basename(path)
        try:
            with open(path, "rb") as f:
                cals = icalendar.Calendar.from_ical(f.read(), multiple=True)
        except Exception as e:
            print(f"note: {name}: python icalendar cannot read it ({str(e)[:60]}); not compared")
            continue
        years = [y for y in (first_start(c) for c in cals) if y is not None]
        if not years:
            continue
        year = min(years)
        lo_date, hi_date = dt.date(year, 1, 1), dt.date(year + YEARS, 1, 1)
        lo, hi = dt.datetime(year, 1, 2), dt.datetime(year + YEARS, 1, 1) - dt.timedelta(days=1)
        theirs, their_walls = collections.Counter(), collections.Counter()
        try:
            for cal in cals:
                comps = recurring_ical_events.of(cal, skip_bad_series=True).between(lo_date, hi_date)
                k, w = keys(comps, lo, hi)
                theirs += k
                their_walls += w
        except Exception as e:
            print(f"note: {name}: recurring-ical-events fails on it ({str(e)[:60]}); not compared")
            continue
        out = os.path.join(args.out, name.rsplit(".", 1)[0] + ".ics")
        run = subprocess.run(
            [args.ferry, "convert", path, "--to", "ics", "-o", out, "--series", "expand",
             "--expand-from", lo_date.isoformat(), "--expand-until", (hi_date - dt.timedelta(days=1)).isoformat()],
            capture_output=True, text=True)
        if run.returncode != 0:
            failures.append(f"{name}: ferry failed: {run.stderr.strip()[:200]}")
            continue
        with open(out, "rb") as f:
            ours_cals = icalendar.Calendar.from_ical(f.read(), multiple=True)
        ours, our_walls = collections.Counter(), collections.Counter()
        for cal in ours_cals:
            k, w = keys(cal.walk("VEVENT"), lo, hi)
            ours += k
            our_walls += w
        compared += 1
        total += sum(theirs.values())
        if ours == theirs:
            continue
        # Floating vs zoned (X-WR-TIMEZONE) or an unnamed zone: compare wall clocks.
        if our_walls == their_walls:
            continue
        only_ours = ours - theirs
        only_theirs = theirs - ours
        detail = f"ferry only: {sorted(only_ours)[:4]} ({sum(only_ours.values())}); " \
                 f"recurring-ical-events only: {sorted(only_theirs)[:4]} ({sum(only_theirs.values())})"
        if name in KNOWN:
            known.append(f"{name}: {KNOWN[name]} -- {detail}")
        else:
            failures.append(f"{name} [{lo_date}..{hi_date}): {detail}")
    for k in known:
        print("known:", k)
    for f in failures:
        print("FAIL:", f)
    print(f"recurrence differential: {compared} files, {total} occurrences of recurring-ical-events; "
          f"{len(failures)} disagreements, {len(known)} known")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
