#!/usr/bin/env python3
"""Seeded random RRULEs with the occurrences python-dateutil gives, for ferry's differential test.

Usage: rrule_cases.py [--seed N] [--count N] --out cases.json

Each case is a DTSTART (all-day, floating, UTC or in a zone with DST), a rule (every
frequency, INTERVAL, COUNT or UNTIL, BYxxx combinations valid for the frequency per RFC 5545's
table), a two-year window and a cap. `expected` lists the UTC instants (seconds since 1970;
for floating and all-day series, the wall clock read as UTC) of the instances in the window,
in order, at most `limit` of them.

RFC 5545 vs dateutil, adjusted here so that the expectation is RFC 5545's:
  * DTSTART is always the first instance and counts toward COUNT (RFC 5545 §3.8.5.3);
    dateutil leaves DTSTART out when the rule does not produce it. When it does not,
    expected = [DTSTART] + dateutil's first COUNT-1 instances after it.
  * A wall time in a DST gap is read with the offset before the gap (forward by the gap), and
    a repeated wall time means its first occurrence: python's zoneinfo with fold=0 does both.
Rules the generator avoids because dateutil's semantics differ from RFC 5545 (these are the
dateutil bugs the Swift test lists): BYDAY mixing ordinal and plain days (dateutil takes the
intersection); BYWEEKNO=52/53 where the previous year's last week runs into January, and
negative BYWEEKNO naming week 1 of the next year (dateutil's `wnomask`); BYWEEKNO with
INTERVAL>1 or BYSETPOS (dateutil's periods are calendar years, not week-years); WEEKLY with
BYSETPOS from a DTSTART that is not on WKST (dateutil's first week is partial).
"""
import argparse
import calendar
import datetime as dt
import json
import random
import signal
import sys
from zoneinfo import ZoneInfo  # the system's tz database, else the pinned `tzdata` package

from dateutil import rrule as R

# dateutil walks an impossible rule (BYMONTH=2;BYMONTHDAY=30) to year 9999 before it stops;
# its loop reads `datetime.MAXYEAR` at run time, so a nearer bound keeps each case fast. No
# case reaches past 2045 (DTSTART before 2030, windows of two years, UNTIL spans below 9 years).
R.datetime.MAXYEAR = 2060

FREQS = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"]
FREQ_CONST = {"YEARLY": R.YEARLY, "MONTHLY": R.MONTHLY, "WEEKLY": R.WEEKLY, "DAILY": R.DAILY,
              "HOURLY": R.HOURLY, "MINUTELY": R.MINUTELY, "SECONDLY": R.SECONDLY}
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_CONST = [R.MO, R.TU, R.WE, R.TH, R.FR, R.SA, R.SU]
ZONES = ["America/New_York", "Europe/London", "Australia/Sydney", "Europe/Berlin", "America/Los_Angeles",
         "Pacific/Auckland", "America/St_Johns", "Asia/Kolkata", "UTC"]
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout()


def pick(rng, values, lo, hi):
    return sorted(set(rng.sample(values, rng.randint(lo, hi))))


def make_case(rng, index):
    freq = rng.choices(FREQS, weights=[20, 24, 20, 18, 7, 6, 5])[0]
    kind = rng.choices(["zoned", "floating", "utc", "date"], weights=[60, 15, 10, 15])[0]
    if kind == "date" and freq in ("HOURLY", "MINUTELY", "SECONDLY"):
        kind = "zoned"
    zone = rng.choice(ZONES) if kind == "zoned" else None
    year = rng.randint(2019, 2029)
    month = rng.randint(1, 12)
    d = rng.randint(1, calendar.monthrange(year, month)[1])
    if kind == "date":
        h = mi = s = 0
    else:
        # Often near the small hours, where DST changes happen.
        h = rng.choice([0, 1, 1, 2, 2, 3, 9, 12, 17, 23]) if rng.random() < 0.6 else rng.randint(0, 23)
        mi = rng.choice([0, 0, 15, 30, 45, rng.randint(0, 59)])
        s = rng.choice([0, 0, 0, rng.randint(0, 59)])
    start = dt.datetime(year, month, d, h, mi, s)
    if freq in ("HOURLY", "MINUTELY", "SECONDLY") and zone and rng.random() < 0.5:
        # Put sub-daily rules right before a DST change now and then.
        start = start.replace(month=rng.choice([3, 4, 10, 11]), day=rng.randint(1, 28), hour=rng.choice([0, 1]))

    parts = {"FREQ": freq}
    interval = rng.choices([1, 2, 3, 4, 7, 10], weights=[55, 18, 10, 7, 5, 5])[0]
    if interval != 1:
        parts["INTERVAL"] = interval
    sub_daily = freq in ("HOURLY", "MINUTELY", "SECONDLY")
    has_weekno = False
    # BYMONTH: any frequency.
    if rng.random() < (0.35 if freq in ("YEARLY",) else 0.15):
        parts["BYMONTH"] = pick(rng, list(range(1, 13)), 1, 4)
    # BYWEEKNO: YEARLY only.
    if freq == "YEARLY" and rng.random() < 0.15 and interval == 1:
        parts["BYWEEKNO"] = pick(rng, list(range(1, 52)) + [-1, -2], 1, 3)
        has_weekno = True
    # BYYEARDAY: not DAILY, WEEKLY, MONTHLY.
    if freq in ("YEARLY", "HOURLY", "MINUTELY", "SECONDLY") and rng.random() < 0.15 and not has_weekno:
        parts["BYYEARDAY"] = pick(rng, list(range(1, 367)) + list(range(-366, 0)), 1, 4)
    # BYMONTHDAY: not WEEKLY.
    if freq != "WEEKLY" and rng.random() < (0.35 if freq in ("MONTHLY", "YEARLY") else 0.12):
        parts["BYMONTHDAY"] = pick(rng, list(range(1, 32)) + list(range(-31, 0)), 1, 3)
    # BYDAY, with ordinals only in MONTHLY and YEARLY (not with BYWEEKNO).
    if rng.random() < (0.55 if freq in ("MONTHLY", "YEARLY", "WEEKLY") else 0.2):
        ordinal = freq in ("MONTHLY", "YEARLY") and not has_weekno and rng.random() < 0.5
        if ordinal:
            limit = 5 if (freq == "MONTHLY" or "BYMONTH" in parts) else 53
            ords = [n for n in range(-limit, limit + 1) if n != 0]
            parts["BYDAY"] = sorted({(rng.choice(ords), rng.choice(DAYS)) for _ in range(rng.randint(1, 2))})
        else:
            parts["BYDAY"] = [(None, x) for x in pick(rng, DAYS, 1, 4)]
    if kind != "date":
        if rng.random() < (0.3 if not sub_daily else 0.5):
            parts["BYHOUR"] = pick(rng, list(range(24)), 1, 4 if freq != "SECONDLY" else 8)
        if rng.random() < (0.2 if freq != "SECONDLY" else 0.6):
            parts["BYMINUTE"] = pick(rng, list(range(60)), 1, 3 if freq != "SECONDLY" else 20)
        if rng.random() < (0.15 if freq != "SECONDLY" else 0.5):
            parts["BYSECOND"] = pick(rng, list(range(60)), 1, 3 if freq != "SECONDLY" else 20)
    # BYSETPOS picks from a period's set, so only where that set has several members.
    several = (len(parts.get("BYHOUR", [])) * len(parts.get("BYMINUTE", [])) > 1
               or sum(1 for n, _ in parts.get("BYDAY", []) if n is None) > 1
               or len(parts.get("BYMONTHDAY", [])) > 1)
    if several and rng.random() < 0.5 and not has_weekno and freq in ("YEARLY", "MONTHLY", "WEEKLY", "DAILY"):
        parts["BYSETPOS"] = pick(rng, [1, 2, -1, -2, 3], 1, 2)
    # Day-level parts that rarely meet (BYYEARDAY with BYMONTHDAY with an ordinal BYDAY) make
    # dateutil search to year 9999; keep at most two of them.
    day_level = [k for k in ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY") if k in parts]
    for k in day_level[2:]:
        del parts[k]
    if rng.random() < 0.25:
        parts["WKST"] = rng.choice(DAYS)
    if freq == "WEEKLY" and "BYSETPOS" in parts:
        # dateutil's first WEEKLY period runs from DTSTART to the next WKST, so BYSETPOS counts
        # in a partial week; RFC 5545's period is the whole week. Start on WKST to compare.
        wkst = DAYS.index(parts.get("WKST", "MO"))
        start -= dt.timedelta(days=(start.weekday() - wkst) % 7)
    end = rng.random()
    if end < 0.4:
        parts["COUNT"] = rng.randint(1, 40)
    elif end < 0.75:
        span = {"YEARLY": 3000, "MONTHLY": 900, "WEEKLY": 300, "DAILY": 90, "HOURLY": 5, "MINUTELY": 1,
                "SECONDLY": 1}[freq]
        until = start + dt.timedelta(days=rng.randint(0, span), hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
        if kind == "date":
            parts["UNTIL"] = until.strftime("%Y%m%d")
        elif kind in ("zoned", "utc"):
            parts["UNTIL"] = until.strftime("%Y%m%dT%H%M%SZ")
        else:
            parts["UNTIL"] = until.strftime("%Y%m%dT%H%M%S")

    tz = ZoneInfo(zone) if zone else (dt.timezone.utc if kind == "utc" else None)
    dtstart = start.replace(tzinfo=tz) if tz else start
    # The window: two years, from DTSTART or up to a year later.
    offset_days = rng.choice([0, 0, rng.randint(1, 400)])
    if sub_daily:
        offset_days = 0
    win_from = instant(dtstart, kind) + offset_days * 86400 - (0 if offset_days == 0 else rng.randint(0, 86399))
    win_until = win_from + 730 * 86400
    limit = 150
    return {
        "id": index, "kind": kind, "zone": zone, "start": start.strftime("%Y-%m-%dT%H:%M:%S"),
        "rule": rule_text(parts), "parts": encode_parts(parts), "from": win_from, "until": win_until,
        "limit": limit, "_dtstart": dtstart, "_parts": parts,
    }


def rule_text(parts):
    out = []
    for k, v in parts.items():
        if k == "BYDAY":
            v = ",".join(f"{n if n is not None else ''}{d}" for n, d in v)
        elif isinstance(v, list):
            v = ",".join(map(str, v))
        out.append(f"{k}={v}")
    return ";".join(out)


def encode_parts(parts):
    enc = {}
    for k, v in parts.items():
        if k == "BYDAY":
            enc[k] = [[n, d] for n, d in v]
        else:
            enc[k] = v
    return enc


def instant(value, kind):
    if kind in ("floating", "date"):
        return int((value.replace(tzinfo=dt.timezone.utc) - EPOCH).total_seconds())
    return int((value - EPOCH).total_seconds())


def dateutil_rule(case, count_override=None):
    p = case["_parts"]
    kw = {"dtstart": case["_dtstart"], "interval": p.get("INTERVAL", 1)}
    if "WKST" in p:
        kw["wkst"] = DAYS.index(p["WKST"])
    count = count_override if count_override is not None else p.get("COUNT")
    if count is not None:
        kw["count"] = count
    if "UNTIL" in p:
        u = p["UNTIL"]
        if len(u) == 8:
            kw["until"] = dt.datetime.strptime(u, "%Y%m%d")
        elif u.endswith("Z"):
            kw["until"] = dt.datetime.strptime(u, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
        else:
            kw["until"] = dt.datetime.strptime(u, "%Y%m%dT%H%M%S")
    for name, key in [("bymonth", "BYMONTH"), ("byweekno", "BYWEEKNO"), ("byyearday", "BYYEARDAY"),
                      ("bymonthday", "BYMONTHDAY"), ("byhour", "BYHOUR"), ("byminute", "BYMINUTE"),
                      ("bysecond", "BYSECOND"), ("bysetpos", "BYSETPOS")]:
        if key in p:
            kw[name] = p[key]
    if "BYDAY" in p:
        kw["byweekday"] = [DAY_CONST[DAYS.index(d)](n) if n is not None else DAY_CONST[DAYS.index(d)] for n, d in p["BYDAY"]]
    return R.rrule(FREQ_CONST[p["FREQ"]], **kw)


def expected(case):
    kind = case["kind"]
    start = case["_dtstart"]
    count = case["_parts"].get("COUNT")
    try:
        first = next(iter(dateutil_rule(case)), None)
    except ValueError as e:
        # dateutil refuses a sub-daily rule whose BYxxx values INTERVAL never reaches
        # ("byxxx generates an empty set"); RFC 5545 gives DTSTART alone.
        case["note"] = f"dateutil refused: {e}"
        i = instant(start, kind)
        return [i] if case["from"] <= i < case["until"] else []
    if first == start:
        source = iter(dateutil_rule(case))
        head = []
    else:
        # RFC 5545: DTSTART is the first instance and counts.
        head = [start]
        if count is not None and count - 1 <= 0:
            source = iter(())
        else:
            source = iter(dateutil_rule(case, count - 1 if count is not None else None))
    out = []
    lo, hi, limit = case["from"], case["until"], case["limit"]

    def consider(t):
        i = instant(t, kind)
        if lo <= i < hi:
            out.append(i)

    for t in head:
        consider(t)
    for t in source:
        # Local order is instant order but for DST edge cases; stop well past the window.
        if instant(t, kind) >= hi + 2 * 86400 or len(out) >= limit:
            break
        consider(t)
    out.sort()
    return out[:limit]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=20261129)
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    signal.signal(signal.SIGVTALRM, on_alarm)
    cases = []
    skipped = 0
    freq_seen = {}
    while len(cases) < args.count:
        case = make_case(rng, len(cases))
        signal.setitimer(signal.ITIMER_VIRTUAL, 2.0)
        try:
            case["expected"] = expected(case)
        except Timeout:
            skipped += 1
            continue
        finally:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        del case["_dtstart"], case["_parts"]
        freq_seen[case["parts"]["FREQ"]] = freq_seen.get(case["parts"]["FREQ"], 0) + 1
        cases.append(case)
    with open(args.out, "w") as f:
        json.dump({"seed": args.seed, "dateutil": R.__name__, "cases": cases}, f)
    total = sum(len(c["expected"]) for c in cases)
    print(f"rrule_cases: {len(cases)} rules (seed {args.seed}), {total} occurrences, "
          f"{skipped} skipped for time, by frequency {freq_seen}", file=sys.stderr)


if __name__ == "__main__":
    main()
