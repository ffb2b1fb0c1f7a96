#!/usr/bin/env python3
"""iCalendar benchmark (issue 4): parse + write of generated events and the expansion of one
year, ferry against python `icalendar` and `recurring-ical-events` on a slice, in one run.

Writes a markdown section to --out. Sizes: --events (default 200,000) for ferry, --slice
(default 10,000) for the python peers. About 10% of the events recur (weekly, monthly by
weekday, daily with COUNT, yearly), in a handful of zones with DST, some with EXDATEs.
Peak memory is `/usr/bin/time -v`'s "Maximum resident set size".
"""
import argparse
import datetime
import os
import random
import re
import subprocess
import sys
import time

ZONES = ["America/New_York", "Europe/London", "Europe/Berlin", "Australia/Sydney", "Asia/Tokyo"]
RULES = [
    "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=60",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=DAILY;INTERVAL=2;COUNT=100",
    "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=15",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20261231T000000Z",
]


def generate(path, count, seed=42):
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = f.write
        w("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ferry bench//EN\r\nMETHOD:PUBLISH\r\n")
        for i in range(count):
            zone = ZONES[i % len(ZONES)]
            y, m, d = 2025, rnd.randint(1, 12), rnd.randint(1, 28)
            h = rnd.randint(7, 18)
            w("BEGIN:VEVENT\r\n")
            w(f"UID:bench-{i}@example.com\r\n")
            w("DTSTAMP:20250101T000000Z\r\n")
            if i % 20 == 7:
                nxt = datetime.date(y, m, d) + datetime.timedelta(days=1)
                w(f"DTSTART;VALUE=DATE:{y}{m:02d}{d:02d}\r\nDTEND;VALUE=DATE:{nxt:%Y%m%d}\r\n")
            else:
                w(f"DTSTART;TZID={zone}:{y}{m:02d}{d:02d}T{h:02d}0000\r\n")
                w(f"DTEND;TZID={zone}:{y}{m:02d}{d:02d}T{h:02d}4500\r\n")
            if i % 10 == 3:
                w(f"RRULE:{RULES[i % len(RULES)]}\r\n")
                if i % 30 == 3:
                    w(f"EXDATE;TZID={zone}:{y}{m:02d}{d:02d}T{h:02d}0000\r\n")
            w(f"SUMMARY:Meeting {i} with client account {rnd.randint(1000, 9999)}\r\n")
            w(f"DESCRIPTION:Agenda item one\\, item two\\nFollow-up on the proposal for account {i}\r\n")
            w(f"LOCATION:Room {rnd.randint(1, 40)}\\, Building {rnd.randint(1, 5)}\r\n")
            w("ORGANIZER;CN=Dana Example:mailto:dana@example.com\r\n")
            w(f"ATTENDEE;CN=Lee Example;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:lee{i % 50}@example.com\r\n")
            w("CLASS:PUBLIC\r\nTRANSP:OPAQUE\r\nSTATUS:CONFIRMED\r\n")
            if i % 4 == 0:
                w("BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nDESCRIPTION:Reminder\r\nEND:VALARM\r\n")
            w("END:VEVENT\r\n")
        w("END:VCALENDAR\r\n")


RUNS = 5


def timed(cmd):
    """Runs cmd RUNS times under /usr/bin/time -v; returns the run of median wall time as
    (seconds, peak RSS in MB, stdout, CPU seconds). One run on a shared machine can be a
    third off."""
    runs = sorted((timed_once(cmd) for _ in range(RUNS)), key=lambda r: r[0])
    return runs[len(runs) // 2]


def timed_once(cmd):
    """Runs cmd once under /usr/bin/time -v; returns (seconds, peak RSS in MB, stdout, CPU
    seconds: user + system)."""
    # Dirty pages of the runs and benchmarks before go to disk first: their write-back would
    # otherwise take CPU time from whichever run it overlaps.
    os.sync()
    t0 = time.perf_counter()
    run = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if run.returncode != 0:
        sys.exit(f"bench command failed: {' '.join(cmd)}\n{run.stderr[-2000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    rss = int(m.group(1)) / 1024 if m else float("nan")
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([0-9.]+)", run.stderr))
    return elapsed, rss, run.stdout, cpu


PEER = r'''
import sys, time, datetime, icalendar, recurring_ical_events
path, mode = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
t0 = time.perf_counter()
cal = icalendar.Calendar.from_ical(data)
if mode == "write":
    out = cal.to_ical()
    n = sum(1 for _ in cal.walk("VEVENT"))
else:
    n = len(recurring_ical_events.of(cal).between(datetime.date(2025, 1, 1), datetime.date(2026, 1, 1)))
print(n, time.perf_counter() - t0)
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ferry", required=True)
    ap.add_argument("--data", default="bench-data/ical")
    ap.add_argument("--out", default="out/bench/ical.md")
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--slice", type=int, default=10_000)
    args = ap.parse_args()
    os.makedirs(args.data, exist_ok=True)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    big = os.path.join(args.data, f"events-{args.events}.ics")
    small = os.path.join(args.data, f"events-{args.slice}.ics")
    if not os.path.exists(big):
        generate(big, args.events)
    if not os.path.exists(small):
        generate(small, args.slice)
    mb = os.path.getsize(big) / 1e6

    out = os.path.join(args.data, "out.ics")
    t_write, rss_write, _, cpu_write = timed([args.ferry, "convert", big, "--to", "ics", "-o", out])
    t_exp, rss_exp, _, _ = timed([args.ferry, "convert", big, "--to", "ics", "-o", out, "--series", "expand",
                               "--expand-from", "2025-01-01", "--expand-until", "2025-12-31"])
    with open(out, "rb") as f:
        instances = f.read().count(b"BEGIN:VEVENT")

    peer = os.path.join(args.data, "peer.py")
    with open(peer, "w") as f:
        f.write(PEER)
    t_pw, rss_pw, o, cpu_pw = timed([sys.executable, peer, small, "write"])
    n_pw, t_pw_inner = o.split()
    t_pe, rss_pe, o, _ = timed([sys.executable, peer, small, "expand"])
    n_pe, t_pe_inner = o.split()

    ferry_eps = args.events / t_write
    peer_eps = args.slice / t_pw
    ferry_exp = args.events / t_exp
    peer_exp = args.slice / t_pe
    ratio = ferry_eps / peer_eps
    ratio_exp = ferry_exp / peer_exp
    rows = [
        ("parse + write, events/s", f"{ferry_eps:,.0f} ({args.events:,} events, {t_write:.2f} s)",
         f"{peer_eps:,.0f} ({args.slice:,} events, {t_pw:.2f} s)", f"{ratio:,.0f}×", "≥ 200×", ratio >= 200),
        ("parse + write, MB/s", f"{mb / t_write:,.1f}", f"{os.path.getsize(small) / 1e6 / t_pw:,.2f}",
         f"{(mb / t_write) / (os.path.getsize(small) / 1e6 / t_pw):,.0f}×", "", None),
        ("parse + write, events per CPU second (user + system)", f"{args.events / cpu_write:,.0f} ({cpu_write:.2f} s)",
         f"{args.slice / cpu_pw:,.0f} ({cpu_pw:.2f} s)", f"{(args.events / cpu_write) / (args.slice / cpu_pw):,.0f}×", "", None),
        ("parse + write, peak RSS", f"{rss_write:,.0f} MB", f"{rss_pw:,.0f} MB", "", "< 100 MB", rss_write < 100),
        ("expand one year (2025) + write, events/s", f"{ferry_exp:,.0f} ({instances:,} instances, {t_exp:.2f} s)",
         f"{peer_exp:,.0f} ({n_pe} instances, {t_pe:.2f} s)", f"{ratio_exp:,.0f}×", "", None),
        ("expand one year, peak RSS", f"{rss_exp:,.0f} MB", f"{rss_pe:,.0f} MB", "", "< 100 MB", rss_exp < 100),
    ]
    lines = [
        "## iCalendar (issue 4)",
        "",
        f"Generated calendar: {args.events:,} VEVENTs ({mb:.1f} MB, about 10% recurring, 5 zones with DST, "
        f"alarms on a quarter); the peers get the first {args.slice:,} events of the same generator. "
        "ferry: `ferry convert --to ics` (release build, statically linked; it reads on a second thread and, while it waits for it, on the writer's); peers: python `icalendar` "
        "(`Calendar.from_ical` + `to_ical`) and `recurring-ical-events` (`of(cal).between(2025-01-01, 2026-01-01)`). "
        "Times are wall-clock for the whole process, each the median of five runs (ferry and peers alike), peak memory from `/usr/bin/time -v`.",
        "",
        "| what | ferry | peer | ratio | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for what, f, p, r, target, met in rows:
        lines.append(f"| {what} | {f} | {p} | {r} | {target} | {'' if met is None else ('yes' if met else 'no')} |")
    text = "\n".join(lines) + "\n"
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
