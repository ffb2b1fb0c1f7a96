#!/usr/bin/env python3
"""Interop check for ferry's iCalendar writer (issue 4).

For every input (fixtures/ics and the shared corpus), runs `ferry convert INPUT --to ics` and
checks that the output
  1. parses with python `icalendar` (the venv) and with libical (ICalGLib through the system
     python3-gi, see libical_dump.py);
  2. keeps each event's start, end, summary and RRULE: compared with what `icalendar` reads
     from the original input (when icalendar can read the original), and libical's reading of
     our output compared with icalendar's reading of it.

Times compare as UTC instants when both sides have a zone, as wall clocks otherwise (ferry
reads floating times in X-WR-TIMEZONE, as recurring-ical-events does). Usage:
  check_parsers.py --ferry .build/debug/ferry --out out/interop/ical FILE...
Exit status 1 when anything disagrees that is not listed in KNOWN below.
"""
import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import warnings
import zoneinfo

import icalendar

HERE = os.path.dirname(os.path.abspath(__file__))

# Disagreements that are not ferry's fault, by input file name and event key, with the reason.
KNOWN = {
    "rfc2445__libical__2445.ics: ('guid-1.host1.com', None)": (
        "the RFC 2445 examples file defines TZID US-Eastern three times; the first definition is self-contradictory "
        "(DAYLIGHT DTSTART after its RDATE) and FerryTime's resolver matches it to a fixed -04:00 zone over "
        "2015-2035, while icalendar uses a later definition"),
    "dst.ics: ('ny-gap@example.com', None) start": (
        "with Windows TZIDs icalendar builds the zone from our VTIMEZONE and gives a time in the spring-forward "
        "gap the offset after the gap; RFC 5545 3.3.5 says the offset before (icalendar with the IANA TZID agrees)"),
    "dst.ics: ('sydney-gap@example.com', None) start": "same as ny-gap: icalendar's VTIMEZONE tzinfo in a DST gap",
    "calendarlabs__recurring-ical-events__Germany_Holidays.ics": (
        "the input's all-day events have DTEND equal to DTSTART (zero length, forbidden by RFC 5545 3.8.2.2); "
        "ferry warns and writes the one-day end consumers assume"),
    "exchange-cdo__icalendar__issue_165_missing_event.ics": (
        "python icalendar reads the original's folded RRULE with spaces in BYDAY as escaped text; "
        "ferry reads the rule, with a warning, and libical agrees with ferry's output"),
    "unknown-producer__icalendar__broken_ical.ics": (
        "python icalendar drops the original's DTSTART with an empty parameter (';;'); ferry reads it, with a warning"),
}


def norm_time(value, wall=False):
    """A comparable text for a DATE or DATE-TIME: date:YYYYMMDD, utc:..., local:..."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and not wall:
            return "utc:" + value.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
        return "wall:" + value.strftime("%Y%m%dT%H%M%S")
    if isinstance(value, dt.date):
        return "date:" + value.strftime("%Y%m%d")
    return str(value)


def norm_rule(text, start=None):
    """RRULE text as a sorted dict; UNTIL as a UTC instant where the start has a zone."""
    if not text:
        return None
    parts = {}
    for part in str(text).split(";"):
        if "=" not in part:
            continue
        k, v = part.split("=", 1)
        k = k.strip().upper()
        v = v.strip().upper()
        if k == "WKST" and v == "MO":
            continue
        if k == "INTERVAL" and v == "1":
            continue
        if k == "UNTIL":
            v = norm_until(v, start)
        else:
            # `+3WE` is `3WE` (RFC 5545 §3.3.10: the sign is optional).
            v = ",".join(sorted(x.strip().lstrip("+") for x in v.split(",")))
        parts[k] = v
    return json.dumps(parts, sort_keys=True)


def norm_until(v, start):
    """UNTIL as written, with a floating UNTIL on a zoned series read as UTC (as dateutil,
    sabre/vobject and ferry read it)."""
    v = v.replace("-", "").replace(":", "")
    if len(v) == 8 and isinstance(start, dt.datetime):
        # A date UNTIL on a timed series (not RFC 5545, which wants DTSTART's type) means up
        # to the end of that day in the series' zone; ferry writes that instant.
        end = dt.datetime.strptime(v, "%Y%m%d").replace(hour=23, minute=59, second=59)
        if start.tzinfo is None:
            return end.strftime("%Y%m%dT%H%M%S")
        return end.replace(tzinfo=start.tzinfo).astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    if len(v) == 8 or v.endswith("Z"):
        return v
    if isinstance(start, dt.datetime) and start.tzinfo is not None:
        return v + "Z"
    return v


def rrule_text(component):
    r = component.get("RRULE")
    if r is None:
        return None
    if isinstance(r, list):
        r = r[0]
    return r.to_ical().decode()


def events_of(text):
    """icalendar's view: {key: {start, end, summary, rrule}} for VEVENT and VTODO."""
    calendars = icalendar.Calendar.from_ical(text, multiple=True)
    out = []
    order = 0
    for cal in calendars:
        for comp in cal.walk():
            if comp.name not in ("VEVENT", "VTODO"):
                continue
            order += 1
            start = comp.get("DTSTART")
            start = start.dt if start is not None else None
            end = comp.get("DTEND") or comp.get("DUE")
            end = end.dt if end is not None else None
            if end is None and comp.get("DURATION") is not None and start is not None:
                end = start + comp.get("DURATION").dt
            rid = comp.get("RECURRENCE-ID")
            uid = str(comp.get("UID")).strip() if comp.get("UID") is not None else None
            summary = str(comp.get("SUMMARY")) if comp.get("SUMMARY") is not None else None
            key = (uid or f"#{summary}|{norm_time(start)}", norm_time(rid.dt) if rid is not None else None)
            out.append({"key": key, "start": start, "end": end, "summary": summary, "rrule": rrule_text(comp)})
    return out


def same_time(a, b):
    if a is None or b is None:
        return a is None and b is None
    aware = isinstance(a, dt.datetime) and isinstance(b, dt.datetime) and a.tzinfo is not None and b.tzinfo is not None
    return norm_time(a, wall=not aware) == norm_time(b, wall=not aware)


def text(s):
    return (s or "").strip() or None


def pick(candidates, used, start):
    """The first unused candidate with the same start, else the first unused one."""
    free = [c for c in candidates if id(c) not in used]
    same = [c for c in free if same_time(c["start"], start)]
    chosen = (same or free or [None])[0]
    if chosen is not None:
        used.add(id(chosen))
    return chosen


def compare(ref, ours, name, problems, expanded=False):
    by_key = {}
    for v in ours:
        by_key.setdefault(v["key"], []).append(v)
    used = set()
    for r in ref:
        key = r["key"]
        o = pick(by_key.get(key, []), used, r["start"])
        if o is None:
            # ferry gives uid-less events a stable UID; match them by summary and start.
            o = pick([v for v in ours if text(v["summary"]) == text(r["summary"])], used, r["start"])
        if o is None:
            if expanded and any(v["key"][0].startswith(str(key[0]) + "-") for v in ours):
                continue  # the target cannot hold the series: ferry expanded it (with a warning)
            problems.append(f"{name}: event {key} missing from ferry's output")
            continue
        if expanded and r["rrule"] and not o["rrule"]:
            continue
        for field in ("start", "end"):
            if not same_time(r[field], o[field]):
                # ferry writes an omitted all-day DTEND as missing too; a missing end is fine when ref has none.
                problems.append(f"{name}: {key} {field} {norm_time(r[field])} became {norm_time(o[field])}")
        if text(r["summary"]) != text(o["summary"]):
            problems.append(f"{name}: {key} summary {r['summary']!r} became {o['summary']!r}")
        if norm_rule(r["rrule"], r["start"]) != norm_rule(o["rrule"], o["start"]):
            problems.append(f"{name}: {key} rrule {r['rrule']} became {o['rrule']}")


def libical_time(text):
    """libical_dump's time text → a datetime/date like icalendar gives."""
    if text is None:
        return None
    kind, _, rest = text.partition(":")
    if kind == "date":
        return dt.datetime.strptime(rest, "%Y%m%d").date()
    if kind == "utc":
        return dt.datetime.strptime(rest, "%Y%m%dT%H%M%S").replace(tzinfo=dt.timezone.utc)
    if kind == "tz":
        zone, _, wall = rest.rpartition(":")
        t = dt.datetime.strptime(wall, "%Y%m%dT%H%M%S")
        try:
            return t.replace(tzinfo=zoneinfo.ZoneInfo(zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return t  # a Windows or custom TZID: compared as a wall clock
    return dt.datetime.strptime(rest, "%Y%m%dT%H%M%S")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ferry", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--for", dest="target", default=None)
    ap.add_argument("--no-reference", action="store_true",
                    help="skip the comparison with the original (series a target cannot hold are expanded)")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    warnings.simplefilter("ignore")  # icalendar's guesses about the originals' TZIDs
    os.makedirs(args.out, exist_ok=True)
    problems, notes, outputs = [], [], {}
    for path in args.files:
        name = os.path.basename(path)
        out = os.path.join(args.out, name.rsplit(".", 1)[0] + ".ics")
        cmd = [args.ferry, "convert", path, "--to", "ics", "-o", out]
        if args.target:
            cmd += ["--for", args.target]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            problems.append(f"{name}: ferry failed: {run.stderr.strip()[:300]}")
            continue
        outputs[out] = (name, None)
        with open(out, encoding="utf-8") as f:
            ours_text = f.read()
        try:
            ours = events_of(ours_text)
        except Exception as e:
            problems.append(f"{name}: python icalendar cannot parse ferry's output: {e}")
            continue
        try:
            with open(path, "rb") as f:
                ref = events_of(f.read())
        except Exception as e:
            notes.append(f"{name}: python icalendar cannot read the original ({str(e)[:80]}); output checked for parsing only")
            ref = None
        if ref is not None and not args.no_reference:
            compare(ref, ours, name, problems, expanded=args.target in ("outlook", "exchange"))
        outputs[out] = (name, ours)
    # libical on every output, in one run of the system python.
    run = subprocess.run(
        ["/usr/bin/python3", os.path.join(HERE, "libical_dump.py"), *outputs.keys()], capture_output=True, text=True)
    if run.returncode != 0:
        problems.append(f"libical: {run.stderr.strip()[:500]}")
    else:
        seen = json.loads(run.stdout)
        for out, (name, ours) in outputs.items():
            result = seen.get(out, {})
            if "fatal" in result:
                problems.append(f"{name}: libical cannot parse ferry's output: {result['fatal']}")
                continue
            if ours is None:
                continue
            for err in result.get("errors", []):
                problems.append(f"{name}: libical reports {err}")
            lib = result.get("events", [])
            if len(lib) != len(ours):
                problems.append(f"{name}: libical sees {len(lib)} components, icalendar {len(ours)}")
            ours_by_uid = {}
            for v in ours:
                ours_by_uid.setdefault(v["key"][0], []).append(v)
            used = set()
            for e in lib:
                start = libical_time(e["start"])
                v = pick(ours_by_uid.get((e["uid"] or "").strip(), []), used, start)
                if v is None or not same_time(v["start"], start):
                    problems.append(f"{name}: libical start {e['start']} of {e['uid']} not seen by icalendar")
                    continue
                if not same_time(v["end"], libical_time(e["end"])) and e["end"] is not None:
                    problems.append(f"{name}: libical end {e['end']} vs icalendar {norm_time(v['end'])} ({e['uid']})")
                if text(e["summary"]) != text(v["summary"]):
                    problems.append(f"{name}: libical summary {e['summary']!r} vs {v['summary']!r}")
                if norm_rule(e["rrule"], start) != norm_rule(v["rrule"], v["start"]):
                    problems.append(f"{name}: libical rrule {e['rrule']} vs icalendar {v['rrule']}")
    known = [p for p in problems if any(p.startswith(k) for k in KNOWN)]
    real = [p for p in problems if p not in known]
    for n in notes:
        print("note:", n)
    for p in known:
        print("known:", p, "--", next(v for k, v in KNOWN.items() if p.startswith(k)))
    for p in real:
        print("FAIL:", p)
    print(f"interop-ical: {len(outputs)} outputs parsed by icalendar {icalendar.__version__} and libical; "
          f"{len(real)} problems, {len(known)} known")
    return 1 if real else 0


if __name__ == "__main__":
    sys.exit(main())
