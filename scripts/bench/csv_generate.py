#!/usr/bin/env python3
"""Deterministic generator of Salesforce Contact exports for `make bench-csv`.

usage: csv_generate.py ROWS OUT.csv

Data Loader style: API-name header, 15-character ids, two owners with Owner.Name/Owner.Email,
multi-line MailingStreet on every fifth row, quotes and commas in titles, non-ASCII names,
ISO timestamps. Deterministic: every run writes the same bytes.
"""
import sys

HEADER = ["Id", "IsDeleted", "AccountId", "LastName", "FirstName", "Salutation", "MailingStreet", "MailingCity",
          "MailingState", "MailingPostalCode", "MailingCountry", "OtherStreet", "OtherCity", "OtherState",
          "OtherPostalCode", "OtherCountry", "Phone", "Fax", "MobilePhone", "HomePhone", "OtherPhone",
          "AssistantPhone", "Email", "Title", "Department", "AssistantName", "LeadSource", "Birthdate",
          "Description", "OwnerId", "Owner.Name", "Owner.Email", "HasOptedOutOfEmail", "CreatedDate",
          "LastModifiedDate"]
FIRST = ["Anna", "Björn", "Chloé", "Dmitri", "Émile", "Fatima", "Gustav", "Hana", "Ines", "José", "Kenji", "Laura",
         "Miguel", "Nadia", "Olaf", "Priya", "Quentin", "Rosa", "Søren", "Tomás", "Uma", "Viktor", "Wen", "Yara"]
LAST = ["Okafor", "Müller", "O'Brien", "Dubois", "Nakamura", "García", "Smith", "Van der Berg", "Zhang", "Rossi",
        "Novák", "Jensen", "Kowalski", "Silva", "Ahmed", "Fischer", "Moreau", "Ivanova", "Larsen", "Costa"]
CITIES = [("Berlin", "BE", "10115", "Germany"), ("New York", "NY", "10001", "United States"),
          ("Paris", "", "75002", "France"), ("Chicago", "IL", "60601", "United States"),
          ("Zürich", "ZH", "8001", "Switzerland")]
TITLES = ["VP Sales", "Buyer", "CTO", "Office Manager, EMEA", 'Head of "Special" Projects']
OWNERS = [("0055g00000Rep01", "Dana Whitfield", "dana.whitfield@example.com"),
          ("0055g00000Rep02", "Marco Bellini", "marco.bellini@example.com")]
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def ident_for(i):
    # 10 base-62 characters from a multiplicative hash of i: distinct, mixed case, fast.
    n = (i * 2654435761 + 40503) % (62 ** 10)
    out = []
    for _ in range(10):
        n, r = divmod(n, 62)
        out.append(ALNUM[r])
    return "".join(out)


def quote(v):
    if any(c in v for c in ',"\r\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def main():
    rows = int(sys.argv[1])
    with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER) + "\r\n")
        for i in range(rows):
            fn = FIRST[i % len(FIRST)]
            ln = LAST[(i // len(FIRST)) % len(LAST)]
            city = CITIES[i % len(CITIES)]
            owner = OWNERS[i % 2]
            ident = ident_for(i)
            street = f"{i % 997 + 1} Harbour Road" + (f"\nBuilding {i % 9 + 1}" if i % 5 == 0 else "")
            other = i % 4 == 2
            row = [
                "0035g" + ident, "false", "0015g" + ident[::-1], ln, fn, ["Mr.", "Ms.", "Dr.", ""][i % 4], street,
                city[0], city[1], city[2], city[3],
                f"{i % 89 + 1} Orchard Lane" if other else "", "Springfield" if other else "", "IL" if other else "",
                "62701" if other else "", "United States" if other else "",
                f"+1 212 555 {i % 10000:04d}", f"+1 212 555 9{i % 1000:03d}" if i % 7 == 0 else "",
                f"+49 151 {i % 100000000:08d}" if i % 3 == 0 else "", f"(217) 555-{i % 10000:04d}" if other else "",
                "", "", f"{fn.lower()}.{i}@client{i % 50}.example", TITLES[i % len(TITLES)],
                ["Sales", "Procurement", "Engineering", "", "Finance"][i % 5], "", ["Web", "Partner", ""][i % 3],
                f"19{60 + i % 40}-{i % 12 + 1:02d}-{i % 28 + 1:02d}" if i % 4 == 1 else "",
                "Met at the fair; prefers e-mail." if i % 10 == 0 else "", owner[0], owner[1], owner[2],
                "true" if i % 6 == 0 else "false",
                f"2023-{i % 12 + 1:02d}-{i % 28 + 1:02d}T09:{i % 60:02d}:00.000Z",
                f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}T16:{i % 60:02d}:30.000Z",
            ]
            f.write(",".join(quote(v) for v in row) + "\r\n")


if __name__ == "__main__":
    main()
