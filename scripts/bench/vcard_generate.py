#!/usr/bin/env python3
"""Writes N synthetic vCard 3.0 contacts (seeded, no real data) for bench-vcard.

Usage: vcard_generate.py N OUT.vcf
"""
import random
import sys

GIVEN = ["Ada", "Bob", "Chloé", "Dmitri", "Eve", "Farah", "Günther", "Hana", "Ivan", "Jun", "Kofi", "Lena"]
FAMILY = ["Lovelace", "Nguyen", "Müller", "O'Brien", "Smith", "García", "Kowalski", "Tanaka", "Okafor", "Rossi"]
CITIES = [("Springfield", "IL", "62701"), ("München", "BY", "80331"), ("Lyon", "", "69001"), ("Austin", "TX", "73301")]
TITLES = ["Account Executive", "CFO", "Head of Procurement", "Engineer", "Office Manager"]


def card(i, rnd):
    g, f = rnd.choice(GIVEN), rnd.choice(FAMILY)
    city, region, code = rnd.choice(CITIES)
    lines = [
        "BEGIN:VCARD", "VERSION:3.0",
        f"N:{f};{g};;;", f"FN:{g} {f}",
        f"ORG:Example {f} Holdings\\, Inc.;Sales",
        f"TITLE:{rnd.choice(TITLES)}",
        f"EMAIL;TYPE=INTERNET,WORK,PREF:{g.lower()}.{i}@example.com",
        f"EMAIL;TYPE=INTERNET,HOME:{g.lower()}{i}@mail.example.org",
        f"TEL;TYPE=WORK,VOICE:+1 555 {i % 10000:04d}",
        f"TEL;TYPE=CELL:+1 555 {(i * 7) % 10000:04d}",
        f"ADR;TYPE=WORK:;;{i % 999 + 1} Main Street\\nSuite {i % 50};{city};{region};{code};Country",
        f"BDAY:19{50 + i % 50}-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
        f"NOTE:Synthetic contact {i}\\, generated for the benchmark; nothing real.",
        f"URL;TYPE=WORK:https://example.com/people/{i}",
        f"item1.X-ABLabel:Assistant",
        f"item1.TEL:+1 555 {(i * 3) % 10000:04d}",
        f"UID:bench-{i:08d}",
        "END:VCARD",
    ]
    return "\r\n".join(lines) + "\r\n"


def main():
    n, path = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(42)
    with open(path, "w", encoding="utf-8", newline="") as out:
        for i in range(n):
            out.write(card(i, rnd))


if __name__ == "__main__":
    main()
