#!/usr/bin/python3
"""Reads iCalendar files with libical (its GObject binding ICalGLib, Debian gir1.2-ical-3.0)
and prints, per file, the events it sees as JSON: uid, recurrence-id, start, end, summary, rrule.

Runs with the system python3 (python3-gi), not the venv. Usage: libical_dump.py FILE...
"""
import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as ICal  # noqa: E402


def time_text(t, tzid):
    if t is None or t.is_null_time():
        return None
    text = t.as_ical_string()
    if t.is_date():
        return "date:" + text
    if t.is_utc() or text.endswith("Z"):
        return "utc:" + text.rstrip("Z")
    return ("tz:" + tzid + ":" if tzid else "local:") + text


def prop_tzid(comp, kind):
    prop = comp.get_first_property(kind)
    if prop is None:
        return None
    param = prop.get_first_parameter(ICal.ParameterKind.TZID_PARAMETER)
    return param.get_tzid() if param is not None else None


def dump(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    root = ICal.Component.new_from_string(text)
    if root is None:
        raise SystemExit(f"libical could not parse {path}")
    calendars = [root] if root.isa() == ICal.ComponentKind.VCALENDAR_COMPONENT else []
    if root.isa() == ICal.ComponentKind.XROOT_COMPONENT:
        c = root.get_first_component(ICal.ComponentKind.VCALENDAR_COMPONENT)
        while c is not None:
            calendars.append(c)
            c = root.get_next_component(ICal.ComponentKind.VCALENDAR_COMPONENT)
    events = []
    errors = []
    for cal in calendars:
        for kind in (ICal.ComponentKind.VEVENT_COMPONENT, ICal.ComponentKind.VTODO_COMPONENT):
            comp = cal.get_first_component(kind)
            while comp is not None:
                rrule = comp.get_first_property(ICal.PropertyKind.RRULE_PROPERTY)
                rid = comp.get_first_property(ICal.PropertyKind.RECURRENCEID_PROPERTY)
                start = time_text(comp.get_dtstart(), prop_tzid(comp, ICal.PropertyKind.DTSTART_PROPERTY))
                end_prop = comp.get_first_property(ICal.PropertyKind.DTEND_PROPERTY)
                end = time_text(comp.get_dtend(), prop_tzid(comp, ICal.PropertyKind.DTEND_PROPERTY)) if end_prop else None
                xp = comp.get_first_property(ICal.PropertyKind.X_PROPERTY)
                while xp is not None:
                    if xp.get_x_name() == "X-LIC-ERROR":
                        errors.append(xp.get_value_as_string())
                    xp = comp.get_next_property(ICal.PropertyKind.X_PROPERTY)
                events.append({
                    "uid": comp.get_uid(),
                    "rid": rid.get_value_as_string() if rid else None,
                    "start": start,
                    "end": end,
                    "summary": comp.get_summary(),
                    "rrule": rrule.get_rrule().to_string() if rrule else None,
                })
                comp = cal.get_next_component(kind)
    return {"events": events, "errors": errors}


if __name__ == "__main__":
    out = {}
    for p in sys.argv[1:]:
        try:
            out[p] = dump(p)
        except Exception as e:  # reported by the caller
            out[p] = {"fatal": str(e)}
    json.dump(out, sys.stdout)
