#!/usr/bin/env python3
"""Generates N synthetic contacts as a bare EWS item list (seeded, no real data).

usage: bench_data.py N OUT.xml
"""
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(5)
given = ["Ana", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Lars"]
family = ["Ortega", "Okafor", "Dubois", "Ivanov", "Novak", "Haddad", "Kim", "Sato", "Silva", "Berg", "Adeyemi", "Moe"]
cities = [("Springfield", "IL", "62701", "USA"), ("Madrid", "Madrid", "28013", "Spain"), ("Lyon", "", "69001", "France")]
T = "http://schemas.microsoft.com/exchange/services/2006/types"
with open(out, "w", encoding="utf-8") as f:
    f.write(f'<?xml version="1.0" encoding="utf-8"?>\n<Items xmlns:t="{T}">\n')
    for i in range(n):
        g, s = rng.choice(given), rng.choice(family)
        city, state, zipc, country = rng.choice(cities)
        f.write(
            f"<t:Contact><t:Body BodyType=\"Text\">Customer since {2000 + i % 24} &amp; key account</t:Body>"
            f"<t:Categories><t:String>CRM</t:String></t:Categories>"
            f"<t:ExtendedProperty><t:ExtendedFieldURI PropertySetId=\"8b1a6a4e-3f1d-4c57-9f0e-5d2b7c9e4a61\" "
            f"PropertyName=\"FerryCrmId\" PropertyType=\"String\"/><t:Value>0035g{i:010d}AAQ</t:Value></t:ExtendedProperty>"
            f"<t:DisplayName>{g} {s}</t:DisplayName><t:GivenName>{g}</t:GivenName><t:CompanyName>Company {i % 997}</t:CompanyName>"
            f"<t:EmailAddresses><t:Entry Key=\"EmailAddress1\">{g.lower()}.{s.lower()}{i}@example.com</t:Entry>"
            f"<t:Entry Key=\"EmailAddress2\">{g.lower()}{i}@home.example</t:Entry></t:EmailAddresses>"
            f"<t:PhysicalAddresses><t:Entry Key=\"Business\"><t:Street>{i % 400} Main St</t:Street><t:City>{city}</t:City>"
            f"<t:State>{state}</t:State><t:CountryOrRegion>{country}</t:CountryOrRegion><t:PostalCode>{zipc}</t:PostalCode>"
            f"</t:Entry></t:PhysicalAddresses>"
            f"<t:PhoneNumbers><t:Entry Key=\"BusinessPhone\">+1 555 {i % 10000:04d}</t:Entry>"
            f"<t:Entry Key=\"MobilePhone\">+1 555 {(i * 7) % 10000:04d}</t:Entry></t:PhoneNumbers>"
            f"<t:Birthday>19{50 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}T11:59:00Z</t:Birthday>"
            f"<t:Department>Dept {i % 20}</t:Department><t:JobTitle>Title {i % 50}</t:JobTitle><t:Surname>{s}</t:Surname>"
            f"</t:Contact>\n")
    f.write("</Items>\n")
