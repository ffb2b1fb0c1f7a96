#!/usr/bin/env python3
"""Interop: exchangelib parses ferry's EWS items back into its item classes with equal fields.

usage: check_exchangelib.py RECORDS.ndjson DOC.xml [DOC.xml ...]

RECORDS.ndjson is what ferry wrote the documents from (ferry's canonical NDJSON). Every
t:Contact and t:CalendarItem in the documents is parsed with exchangelib's own
`Contact.from_xml` / `CalendarItem.from_xml` (the code it runs on server responses) and
compared field by field with the record it came from. ferry's CRM id is read through an
exchangelib ExtendedProperty class registered on both item types.
Exit status 1 with a list of differences when anything differs.
"""
import datetime
import json
import sys
import zoneinfo

from lxml import etree
from exchangelib import CalendarItem, Contact, ExtendedProperty

T = "http://schemas.microsoft.com/exchange/services/2006/types"
FERRY_SET = "8b1a6a4e-3f1d-4c57-9f0e-5d2b7c9e4a61"


class FerryCrmId(ExtendedProperty):
    property_set_id = FERRY_SET
    property_name = "FerryCrmId"
    property_type = "String"


Contact.register("ferry_crm_id", FerryCrmId)
CalendarItem.register("ferry_crm_id", FerryCrmId)

PHONE_KEYS = {
    ("cell",): "MobilePhone", ("voice", "work"): "BusinessPhone", ("fax", "work"): "BusinessFax",
    ("home", "voice"): "HomePhone", ("company",): "CompanyMainPhone", ("pager",): "Pager",
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

problems = []


def check(what, expected, actual):
    if expected != actual:
        problems.append(f"{what}: ferry model {expected!r}, exchangelib {actual!r}")


def instant(text):
    """A model EventTime string as an aware datetime (dates: None)."""
    if "T" not in text:
        return None
    if text.endswith("Z"):
        return datetime.datetime.fromisoformat(text[:-1]).replace(tzinfo=datetime.timezone.utc)
    if "[" in text:
        local, zone = text[:-1].split("[")
        return datetime.datetime.fromisoformat(local).replace(tzinfo=zoneinfo.ZoneInfo(zone))
    return datetime.datetime.fromisoformat(text)


def check_contact(n, rec, item):
    name = rec.get("name", {})
    check(f"contact {n} given name", name.get("given"), item.given_name)
    check(f"contact {n} middle name", name.get("middle"), item.middle_name)
    check(f"contact {n} surname", name.get("family"), item.surname)
    check(f"contact {n} generation", name.get("suffix"), item.generation)
    check(f"contact {n} display name", rec.get("formattedName"), item.display_name)
    check(f"contact {n} company", rec.get("organization"), item.company_name)
    check(f"contact {n} department", rec.get("department"), item.department)
    check(f"contact {n} job title", rec.get("title"), item.job_title)
    check(f"contact {n} nickname", (rec.get("nicknames") or [None])[0], item.nickname)
    check(f"contact {n} e-mails", [e["address"] for e in rec.get("emails", [])][:3],
          [e.email for e in sorted(item.email_addresses or [], key=lambda e: e.label)])
    phones = {PHONE_KEYS.get(tuple(sorted(p.get("types", []))), "?"): p["number"] for p in rec.get("phones", [])}
    check(f"contact {n} phones", phones, {p.label: p.phone_number for p in item.phone_numbers or []})
    label = {"work": "Business", "home": "Home", "other": "Other"}
    addresses = {label[a["types"][0]]: (a.get("street"), a.get("locality"), a.get("region"), a.get("country"),
                                        a.get("postalCode")) for a in rec.get("addresses", [])}
    check(f"contact {n} addresses", addresses, {a.label: (a.street, a.city, a.state, a.country, a.zipcode)
                                                for a in item.physical_addresses or []})
    for field, attr in (("birthday", "birthday"), ("anniversary", "wedding_anniversary")):
        value = getattr(item, attr)
        check(f"contact {n} {field}", rec.get(field), value.isoformat() if value else None)
    check(f"contact {n} categories", rec.get("categories") or None, item.categories)
    notes = "\n\n".join(rec.get("notes", []))
    check(f"contact {n} notes", True, (item.body or "").startswith(notes))
    related = {r["relation"]: r["value"] for r in rec.get("related", [])}
    check(f"contact {n} assistant", related.get("assistant"), item.assistant_name)
    check(f"contact {n} spouse", related.get("spouse"), item.spouse_name)
    check(f"contact {n} home page", (rec.get("urls") or [{}])[0].get("value"), item.business_homepage)
    check(f"contact {n} CRM id", (rec.get("source") or {}).get("recordId") if (rec.get("source") or {}).get("system") != "exchange" else None,
          item.ferry_crm_id)


def check_event(n, rec, item):
    check(f"event {n} subject", rec.get("summary"), item.subject)
    check(f"event {n} body", rec.get("description"), item.body or None)
    check(f"event {n} location", rec.get("location"), item.location)
    check(f"event {n} all day", rec.get("isAllDay", False), bool(item.is_all_day))
    if rec.get("isAllDay"):
        check(f"event {n} start date", rec["start"], str(item.start.date() if hasattr(item.start, "date") else item.start))
    else:
        check(f"event {n} start", instant(rec["start"]), item.start)
        check(f"event {n} end", instant(rec["end"]), item.end)
    busy = {"free": "Free", "tentative": "Tentative", "busy": "Busy", "oof": "OOF", "working-elsewhere": "WorkingElsewhere"}
    check(f"event {n} free/busy", busy.get(rec.get("busyStatus"), "Busy"), item.legacy_free_busy_status)
    privacy = {"public": "Normal", "private": "Private", "confidential": "Confidential"}
    check(f"event {n} sensitivity", privacy.get(rec.get("privacy"), "Normal"), item.sensitivity)
    zone = rec["start"].split("[")[1][:-1] if "[" in rec.get("start", "") else None
    if zone:
        check(f"event {n} start zone", zone, item._start_timezone.key if item._start_timezone else None)
    emails = sorted(a["email"] for a in rec.get("attendees", []) if a.get("email"))
    got = sorted(a.mailbox.email_address for group in (item.required_attendees, item.optional_attendees, item.resources)
                 for a in group or [])
    check(f"event {n} attendees", emails, got)
    rule = ((rec.get("recurrence") or {}).get("rule"))
    if rule:
        pattern = item.recurrence.pattern if item.recurrence else None
        check(f"event {n} has recurrence", True, pattern is not None)
        if pattern is None:
            return
        kind = type(pattern).__name__
        freq = rule["frequency"]
        expected_kind = {"DAILY": "DailyPattern", "WEEKLY": "WeeklyPattern"}.get(freq)
        if freq == "MONTHLY":
            expected_kind = "RelativeMonthlyPattern" if rule.get("byDay") else "AbsoluteMonthlyPattern"
        if freq == "YEARLY":
            expected_kind = "RelativeYearlyPattern" if rule.get("byDay") else "AbsoluteYearlyPattern"
        check(f"event {n} pattern", expected_kind, kind)
        if hasattr(pattern, "interval"):
            check(f"event {n} interval", rule.get("interval", 1), pattern.interval)
        if rule.get("byMonthDay"):
            check(f"event {n} day of month", rule["byMonthDay"][0], pattern.day_of_month)
        if rule.get("byMonth"):
            check(f"event {n} month", rule["byMonth"][0], pattern.month)
        boundary = type(item.recurrence.boundary).__name__
        expected = "NumberedPattern" if "count" in rule else "EndDatePattern" if "until" in rule else "NoEndPattern"
        check(f"event {n} range", expected, boundary)
        if "count" in rule:
            check(f"event {n} count", rule["count"], item.recurrence.boundary.number)
    check(f"event {n} CRM id", (rec.get("source") or {}).get("recordId") if (rec.get("source") or {}).get("system") != "exchange" else None,
          item.ferry_crm_id)


def main():
    records = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    contacts = [r["contact"]["_0"] for r in records if "contact" in r]
    events = [r["event"]["_0"] for r in records if "event" in r]
    items = {"Contact": [], "CalendarItem": []}
    for path in sys.argv[2:]:
        for el in etree.parse(path).iter(f"{{{T}}}Contact", f"{{{T}}}CalendarItem"):
            items[etree.QName(el).localname].append(el)
    check("contact count", len(contacts), len(items["Contact"]))
    check("calendar item count", len(events), len(items["CalendarItem"]))
    for n, (rec, el) in enumerate(zip(contacts, items["Contact"]), 1):
        check_contact(n, rec, Contact.from_xml(elem=el, account=None))
    for n, (rec, el) in enumerate(zip(events, items["CalendarItem"]), 1):
        check_event(n, rec, CalendarItem.from_xml(elem=el, account=None))
    if problems:
        print("exchangelib interop: %d differences" % len(problems))
        for p in problems:
            print("  " + p)
        sys.exit(1)
    print(f"exchangelib interop: {len(contacts)} contacts and {len(events)} calendar items parse back with equal fields")


main()
