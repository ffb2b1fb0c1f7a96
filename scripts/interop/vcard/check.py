#!/usr/bin/env python3
"""vCard interop check (make interop-vcard).

Every fixture and corpus file is written by ferry as vCard 2.1, 3.0 and 4.0, then:
  * ez-vcard (through VCardCheck.java) reads each output with no parse warnings;
  * python vobject parses each 3.0 output;
  * the FN, N, EMAIL, TEL and ADR values both parsers see equal ferry's own (its NDJSON);
  * ferry reads the same model back from each version.

Usage: check.py FERRY JAVA_CLASSPATH OUT_DIR INPUT...
"""
import json
import os
import subprocess
import sys

import vobject

VERSIONS = ["2.1", "3.0", "4.0"]

# vobject's own limits, with the reason; these inputs skip the vobject step only.
VOBJECT_KNOWN = {
    # RFC 2425 PROFILE:VCARD is legal in 3.0, but vobject takes it for its own component
    # profile and refuses the card ("This component already has a PROFILE or uses BEGIN").
    "lotus-notes__ez-vcard__John_Doe_LOTUS_NOTES.vcf",
}


def lf(value):
    """vCard 2.1 quoted-printable line breaks are CRLF; the model's are LF."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, list):
        return [lf(v) for v in value]
    if isinstance(value, dict):
        return {k: lf(v) for k, v in value.items()}
    return value


def ferry_json(ferry, path):
    out = subprocess.run(
        [ferry, "convert", path, "--from", "vcard", "--to", "ndjson", "--quiet"],
        capture_output=True, check=True, text=True).stdout
    contacts = [json.loads(line)["contact"] for line in out.splitlines() if line.strip()]
    # Swift's synthesised Codable wraps the associated value as {"_0": …}.
    return [c.get("_0", c) for c in contacts]


def ours(contact):
    """FN, N, EMAIL, TEL and ADR as ferry's model has them, in the parsers' shape."""
    name = contact.get("name", {})
    n = [name.get(k) or "" for k in ("family", "given", "middle", "prefix", "suffix")]
    adrs = [[a.get(k) or "" for k in ("poBox", "extended", "street", "locality", "region", "postalCode", "country")]
            for a in contact.get("addresses", [])]
    return {
        "fn": contact.get("formattedName") or "",
        "n": n,
        "emails": [e["address"] for e in contact.get("emails", [])],
        "tels": [t["number"] for t in contact.get("phones", [])],
        "adrs": adrs,
    }


def seen_by_ezvcard(card):
    n = card["n"] or ["", "", "", "", ""]
    return {
        "fn": card["fn"] or "",
        "n": [x or "" for x in n],
        "emails": card["emails"],
        "tels": card["tels"],
        "adrs": [[x or "" for x in a] for a in card["adrs"]],
    }


def seen_by_vobject(card):
    def text(x):
        return ",".join(x) if isinstance(x, list) else (x or "")

    n = ["", "", "", "", ""]
    if hasattr(card, "n"):
        v = card.n.value
        n = [text(v.family), text(v.given), text(v.additional), text(v.prefix), text(v.suffix)]
    adrs = []
    for a in card.contents.get("adr", []):
        v = a.value
        adrs.append([text(v.box), text(v.extended), text(v.street), text(v.city), text(v.region), text(v.code),
                     text(v.country)])
    return {
        "fn": card.fn.value if hasattr(card, "fn") else "",
        "n": n,
        "emails": [e.value for e in card.contents.get("email", [])],
        "tels": [t.value for t in card.contents.get("tel", [])],
        "adrs": adrs,
    }


def core(contact):
    """What must survive every version: names, e-mails, phones, addresses, dates."""
    # FN is left out: 3.0 and 4.0 require one, so ferry makes it up where 2.1 had none.
    keep = {k: contact.get(k) for k in ("name", "birthday", "anniversary", "organization", "title")}
    keep["emails"] = [e["address"] for e in contact.get("emails", [])]
    keep["phones"] = [p["number"] for p in contact.get("phones", [])]
    keep["addresses"] = [{k: v for k, v in a.items() if k not in ("types", "preference", "label")}
                         for a in contact.get("addresses", [])]
    keep["notes"] = contact.get("notes")
    return keep


def main():
    ferry, classpath, out_dir, inputs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    os.makedirs(out_dir, exist_ok=True)
    failures = []
    written = {}
    for path in inputs:
        base = os.path.basename(path)
        for v in VERSIONS:
            target = os.path.join(out_dir, f"{base}.{v}.vcf")
            r = subprocess.run([ferry, "convert", path, "--from", "vcard", "--to", f"vcard:{v}", "-o", target,
                                "--quiet"], capture_output=True, text=True)
            if r.returncode != 0:
                failures.append(f"{base} → {v}: ferry failed: {r.stderr.strip()}")
                continue
            written[(path, v)] = target
    # ez-vcard, one JVM for everything.
    files = list(written.values())
    java = subprocess.run(["java", "-cp", classpath, "VCardCheck"] + files, capture_output=True, text=True,
                          check=True).stdout
    ez = {}
    for line in java.splitlines():
        rec = json.loads(line)
        ez.setdefault(rec["file"], []).append(rec)
    checked = 0
    for (path, v), target in sorted(written.items()):
        base = os.path.basename(path)
        model = ferry_json(ferry, target)
        cards = ez.get(target, [])
        if any("error" in c for c in cards):
            failures.append(f"{base} as {v}: ez-vcard failed: {cards}")
            continue
        if len(cards) != len(model):
            failures.append(f"{base} as {v}: ez-vcard read {len(cards)} cards, ferry {len(model)}")
            continue
        for i, (card, contact) in enumerate(zip(cards, model)):
            if card["warnings"]:
                failures.append(f"{base} as {v} card {i}: ez-vcard warnings: {card['warnings']}")
            if lf(seen_by_ezvcard(card)) != ours(contact):
                failures.append(f"{base} as {v} card {i}: ez-vcard sees {seen_by_ezvcard(card)}, ferry {ours(contact)}")
        if v == "3.0" and base not in VOBJECT_KNOWN:
            with open(target, encoding="utf-8") as f:
                try:
                    vcards = list(vobject.readComponents(f.read()))
                except Exception as e:  # noqa: BLE001 - report any parser failure
                    failures.append(f"{base} as 3.0: vobject failed: {e}")
                    vcards = None
            if vcards is not None:
                if len(vcards) != len(model):
                    failures.append(f"{base} as 3.0: vobject read {len(vcards)} cards, ferry {len(model)}")
                else:
                    for i, (card, contact) in enumerate(zip(vcards, model)):
                        if seen_by_vobject(card) != ours(contact):
                            failures.append(
                                f"{base} as 3.0 card {i}: vobject sees {seen_by_vobject(card)}, ferry {ours(contact)}")
        checked += 1
    # The same model back from every version.
    for path in inputs:
        models = {v: ferry_json(ferry, written[(path, v)]) for v in VERSIONS if (path, v) in written}
        cores = {v: [core(c) for c in m] for v, m in models.items()}
        first = cores.get("3.0")
        for v, c in cores.items():
            if c != first:
                failures.append(f"{os.path.basename(path)}: model from {v} differs from 3.0: {c} vs {first}")
    for f in failures:
        print("interop-vcard:", f, file=sys.stderr)
    print(f"interop-vcard: {checked} outputs of {len(inputs)} inputs checked with ez-vcard"
          f" and vobject; {len(failures)} problems")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
