#!/usr/bin/env python3
"""The benchmark peer: python lxml doing ferry's EWS contact mapping.

usage: lxml_peer.py read IN.xml            parse every t:Contact into a dict (ferry's fields)
       lxml_peer.py convert IN.xml OUTDIR  parse, map, and write CreateItem documents of 100
                                           contacts each, in schema order (what ferry does)
Streams with iterparse and clears each item, as a careful lxml user would.
"""
import os
import sys

from lxml import etree

T = "http://schemas.microsoft.com/exchange/services/2006/types"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
PHONES = {"BusinessPhone": ["work", "voice"], "MobilePhone": ["cell"], "HomePhone": ["home", "voice"],
          "BusinessFax": ["work", "fax"]}
SIMPLE = {"DisplayName": "formattedName", "GivenName": "given", "MiddleName": "middle", "Surname": "family",
          "CompanyName": "organization", "Department": "department", "JobTitle": "title"}


def t(name):
    return f"{{{T}}}{name}"


def contact(el):
    c = {"emails": [], "phones": [], "addresses": [], "categories": [], "notes": []}
    for child in el:
        name = etree.QName(child).localname
        if name in SIMPLE:
            c[SIMPLE[name]] = child.text
        elif name == "Body":
            c["notes"].append(child.text or "")
        elif name == "Categories":
            c["categories"] = [s.text for s in child]
        elif name == "EmailAddresses":
            c["emails"] = [e.text for e in child]
        elif name == "PhoneNumbers":
            c["phones"] = [(e.text, PHONES.get(e.get("Key"), [])) for e in child]
        elif name == "PhysicalAddresses":
            for e in child:
                c["addresses"].append({"key": e.get("Key"), **{etree.QName(p).localname: p.text for p in e}})
        elif name == "Birthday":
            c["birthday"] = (child.text or "")[:10]
        elif name == "ExtendedProperty":
            uri = child.find(t("ExtendedFieldURI"))
            if uri is not None and uri.get("PropertyName") == "FerryCrmId":
                c["crmId"] = child.findtext(t("Value"))
    return c


def contacts(path):
    for _, el in etree.iterparse(path, events=("end",), tag=t("Contact"), resolve_entities=False, no_network=True):
        yield contact(el)
        el.clear()
        while el.getprevious() is not None:
            del el.getparent()[0]


def sub(parent, name, text=None, **attrs):
    e = etree.SubElement(parent, t(name), attrs)
    if text is not None:
        e.text = text
    return e


def write_item(items, c):
    el = sub(items, "Contact")
    if c["notes"]:
        sub(el, "Body", "\n\n".join(c["notes"]), BodyType="Text")
    if c["categories"]:
        cats = sub(el, "Categories")
        for s in c["categories"]:
            sub(cats, "String", s)
    if c.get("crmId"):
        ep = sub(el, "ExtendedProperty")
        sub(ep, "ExtendedFieldURI", PropertySetId="8b1a6a4e-3f1d-4c57-9f0e-5d2b7c9e4a61", PropertyName="FerryCrmId",
            PropertyType="String")
        sub(ep, "Value", c["crmId"])
    for key in ("formattedName", "given", "middle", "organization"):
        if c.get(key):
            sub(el, {"formattedName": "DisplayName", "given": "GivenName", "middle": "MiddleName",
                     "organization": "CompanyName"}[key], c[key])
    if c["emails"]:
        d = sub(el, "EmailAddresses")
        for i, e in enumerate(c["emails"][:3]):
            sub(d, "Entry", e, Key=f"EmailAddress{i + 1}")
    if c["addresses"]:
        d = sub(el, "PhysicalAddresses")
        for a in c["addresses"]:
            entry = sub(d, "Entry", Key=a["key"])
            for part in ("Street", "City", "State", "CountryOrRegion", "PostalCode"):
                if a.get(part):
                    sub(entry, part, a[part])
    if c["phones"]:
        d = sub(el, "PhoneNumbers")
        keys = {tuple(v): k for k, v in PHONES.items()}
        for number, types in c["phones"]:
            sub(d, "Entry", number, Key=keys.get(tuple(types), "OtherTelephone"))
    if c.get("birthday"):
        sub(el, "Birthday", c["birthday"] + "T11:59:00Z")
    for key, name in (("department", "Department"), ("title", "JobTitle"), ("family", "Surname")):
        if c.get(key):
            sub(el, name, c[key])


def write_batch(batch, path):
    env = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soap": SOAP, "m": M, "t": T})
    header = etree.SubElement(env, f"{{{SOAP}}}Header")
    etree.SubElement(header, t("RequestServerVersion"), Version="Exchange2013_SP1")
    body = etree.SubElement(env, f"{{{SOAP}}}Body")
    create = etree.SubElement(body, f"{{{M}}}CreateItem")
    folder = etree.SubElement(create, f"{{{M}}}SavedItemFolderId")
    etree.SubElement(folder, t("DistinguishedFolderId"), Id="contacts")
    items = etree.SubElement(create, f"{{{M}}}Items")
    for c in batch:
        write_item(items, c)
    etree.ElementTree(env).write(path, xml_declaration=True, encoding="utf-8", pretty_print=True)


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "read":
        n = sum(1 for _ in contacts(path))
        print(n)
        return
    outdir = sys.argv[3]
    os.makedirs(outdir, exist_ok=True)
    batch, files, n = [], 0, 0
    for c in contacts(path):
        batch.append(c)
        n += 1
        if len(batch) == 100:
            files += 1
            write_batch(batch, os.path.join(outdir, f"out-{files:04d}.xml"))
            batch = []
    if batch:
        files += 1
        write_batch(batch, os.path.join(outdir, f"out-{files:04d}.xml"))
    print(n)


main()
