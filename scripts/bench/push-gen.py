#!/usr/bin/env python3
"""Generates the push benchmark's CRM export (synthetic data only).

usage: push-gen.py OUT_DIR CONTACTS EVENTS
Writes contacts as a Salesforce Contact export (OUT_DIR/contacts.csv) and events as ferry
NDJSON (OUT_DIR/events.ndjson), and the same with 1% of the records changed
(contacts-changed.csv: a phone; events-changed.ndjson: a summary). 20 reps own the records
round-robin.
"""
import csv
import json
import random
import sys

out, n_contacts, n_events = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(7)
GIVEN = ["Ada", "Grace", "Alan", "Barbara", "Donald", "Frances", "Edsger", "John", "Katherine", "Linus"]
FAMILY = ["Lovelace", "Hopper", "Turing", "Liskov", "Knuth", "Allen", "Dijkstra", "Backus", "Johnson", "Pauling"]
REPS = [{"id": f"0050000000{i:05d}AAA", "name": f"Rep {i}", "email": f"rep{i}@example.com"} for i in range(20)]
CL = ["nicknames", "emails", "phones", "addresses", "notes", "urls", "categories", "related", "instantMessaging",
      "languages", "raw"]
EL = ["attendees", "reminders", "categories", "related", "raw", "rawComponents"]
ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def contact(i, changed):
    g, f = GIVEN[i % 10], FAMILY[(i // 10) % 10]
    c = {k: [] for k in CL}
    c["name"] = {"given": g, "family": f"{f}{i}"}
    c["formattedName"] = f"{g} {f}{i}"
    c["emails"] = [{"address": f"{g.lower()}.{f.lower()}{i}@example.com", "types": ["work"]}]
    phone = f"+1 212 555 {i % 10000:04d}" if not changed else f"+1 646 555 {i % 10000:04d}"
    c["phones"] = [{"number": phone, "types": ["work"]}]
    c["addresses"] = [{"street": f"{i} Main St", "locality": "Springfield", "postalCode": f"{10000 + i % 89999}",
                       "country": "USA", "types": ["work"]}]
    c["organization"] = f"Company {i % 5000}"
    c["title"] = "Buyer"
    c["source"] = {"system": "salesforce", "objectType": "Contact", "recordId": f"003{i:012d}AAA"}
    c["owner"] = REPS[i % 20]
    return {"contact": c}


def event(i, changed):
    e = {k: [] for k in EL}
    e["kind"] = "event"
    e["summary"] = f"Meeting {i}" + (" (moved)" if changed else "")
    d = 1 + i % 28
    e["start"] = f"2026-12-{d:02d}T10:00:00[America/New_York]"
    e["end"] = f"2026-12-{d:02d}T11:00:00[America/New_York]"
    e["isAllDay"] = False
    e["recurrenceIdThisAndFuture"] = False
    e["attendees"] = [{"email": f"{GIVEN[i % 10].lower()}.{FAMILY[(i // 10) % 10].lower()}{i}@example.com"}]
    e["source"] = {"system": "salesforce", "objectType": "Event", "recordId": f"00U{i:012d}AAA"}
    e["owner"] = REPS[i % 20]
    return {"event": e}


HEADER = ["Id", "AccountId", "FirstName", "LastName", "Title", "Email", "Phone", "MailingStreet", "MailingCity",
          "MailingPostalCode", "MailingCountry", "OwnerId", "Owner.Name", "Owner.Email"]


def write_contacts(name, changed_every):
    with open(f"{out}/{name}", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(n_contacts):
            changed = changed_every and i % changed_every == 0
            g, fam = GIVEN[i % 10], FAMILY[(i // 10) % 10]
            rep = REPS[i % 20]
            phone = f"+1 212 555 {i % 10000:04d}" if not changed else f"+1 646 555 {i % 10000:04d}"
            w.writerow([f"003{i:012d}AAA", f"001{i % 5000:012d}AAA", g, f"{fam}{i}", "Buyer",
                        f"{g.lower()}.{fam.lower()}{i}@example.com", phone, f"{i} Main St", "Springfield",
                        f"{10000 + i % 89999}", "USA", rep["id"], rep["name"], rep["email"]])


def write_events(name, changed_every):
    with open(f"{out}/{name}", "w") as f:
        for i in range(n_events):
            f.write(json.dumps(event(i, changed_every and i % changed_every == 0), separators=(",", ":")) + "\n")


write_contacts("contacts.csv", 0)
write_contacts("contacts-changed.csv", 100)
write_events("events.ndjson", 0)
write_events("events-changed.ndjson", 100)
