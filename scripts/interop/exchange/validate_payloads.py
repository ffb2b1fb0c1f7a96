#!/usr/bin/env python3
"""Validates the SOAP body payload of every EWS document with xmllint and the EWS schema.

usage: validate_payloads.py SCHEMA.xsd DOC.xml [DOC.xml ...]

The schema set has no SOAP envelope schema (ews-xml.md, "Verify"), so the element inside
soap:Body is written to its own file, namespaces intact, and validated there.
"""
import os
import subprocess
import sys
import tempfile

from lxml import etree

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


def main():
    schema, docs = sys.argv[1], sys.argv[2:]
    with tempfile.TemporaryDirectory() as tmp:
        payloads = []
        for i, path in enumerate(docs):
            body = etree.parse(path).find(f"{{{SOAP}}}Body")
            if body is None or len(body) != 1:
                print(f"{path}: no single payload inside soap:Body")
                sys.exit(1)
            out = os.path.join(tmp, f"{i:05d}-" + os.path.basename(path))
            etree.ElementTree(body[0]).write(out, xml_declaration=True, encoding="utf-8")
            payloads.append(out)
        result = subprocess.run(["xmllint", "--noout", "--schema", schema, *payloads], capture_output=True, text=True)
        failures = [line for line in result.stderr.splitlines() if "Skipping import" not in line and not line.endswith("validates")]
        if result.returncode != 0:
            print("\n".join(failures))
            sys.exit(1)
    print(f"xmllint: {len(docs)} EWS documents validate against the EWS schema")


main()
