#!/usr/bin/env python3
"""The Python peer for `make bench-csv`: the same Salesforce → Outlook contact mapping that
`ferry convert --from csv:salesforce --to csv:outlook` does, with the standard `csv` module
(DictReader/DictWriter), as a person would write it.

usage: csv_peer.py IN.csv OUT.csv
"""
import csv
import sys

OUTLOOK = ["Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
           "Business Street", "Business Street 2", "Business Street 3", "Business City", "Business State",
           "Business Postal Code", "Business Country/Region", "Home Street", "Home Street 2", "Home Street 3",
           "Home City", "Home State", "Home Postal Code", "Home Country/Region", "Other Street", "Other Street 2",
           "Other Street 3", "Other City", "Other State", "Other Postal Code", "Other Country/Region",
           "Assistant's Phone", "Business Fax", "Business Phone", "Business Phone 2", "Callback", "Car Phone",
           "Company Main Phone", "Home Fax", "Home Phone", "Home Phone 2", "ISDN", "Mobile Phone", "Other Fax",
           "Other Phone", "Pager", "Primary Phone", "Radio Phone", "TTY/TDD Phone", "Telex", "Account",
           "Anniversary", "Assistant's Name", "Billing Information", "Birthday", "Business Address PO Box",
           "Categories", "Children", "Directory Server", "E-mail Address", "E-mail Type", "E-mail Display Name",
           "E-mail 2 Address", "E-mail 2 Type", "E-mail 2 Display Name", "E-mail 3 Address", "E-mail 3 Type",
           "E-mail 3 Display Name", "Gender", "Government ID Number", "Hobby", "Home Address PO Box", "Initials",
           "Internet Free Busy", "Keywords", "Language", "Location", "Manager's Name", "Mileage", "Notes",
           "Office Location", "Organizational ID Number", "Other Address PO Box", "Priority", "Private",
           "Profession", "Referred By", "Sensitivity", "Spouse", "User 1", "User 2", "User 3", "User 4",
           "Web Page"]
PHONES = {"Phone": "Business Phone", "Fax": "Business Fax", "MobilePhone": "Mobile Phone", "HomePhone": "Home Phone",
          "OtherPhone": "Other Phone", "AssistantPhone": "Assistant's Phone"}
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def protect(value, phone):
    if value.startswith(FORMULA):
        if phone and value[0] in "+-" and all(c.isdigit() or c in " ()./-" for c in value[1:]) \
                and any(c.isdigit() for c in value):
            return value
        return "'" + value
    return value


def main():
    with open(sys.argv[1], encoding="utf-8-sig", newline="") as fin, \
            open(sys.argv[2], "w", encoding="utf-8-sig", newline="") as fout:
        reader = csv.DictReader(fin)
        writer = csv.DictWriter(fout, OUTLOOK, lineterminator="\r\n")
        writer.writeheader()
        for r in reader:
            o = {}
            o["Title"] = r.get("Salutation", "")
            o["First Name"] = r.get("FirstName", "")
            o["Middle Name"] = r.get("MiddleName", "")
            o["Last Name"] = r.get("LastName", "")
            o["Suffix"] = r.get("Suffix", "")
            o["Job Title"] = r.get("Title", "")
            o["Department"] = r.get("Department", "")
            for prefix, target in (("Mailing", "Business"), ("Other", "Other")):
                lines = r.get(prefix + "Street", "").replace("\r\n", "\n").split("\n")
                o[target + " Street"] = lines[0]
                o[target + " Street 2"] = lines[1] if len(lines) > 1 else ""
                o[target + " Street 3"] = "\n".join(lines[2:])
                o[target + " City"] = r.get(prefix + "City", "")
                o[target + " State"] = r.get(prefix + "State", "")
                o[target + " Postal Code"] = r.get(prefix + "PostalCode", "")
                o[target + " Country/Region"] = r.get(prefix + "Country", "")
            for src, dst in PHONES.items():
                o[dst] = r.get(src, "")
            email = r.get("Email", "")
            if email:
                o["E-mail Address"] = email
                o["E-mail Type"] = "SMTP"
            o["Assistant's Name"] = r.get("AssistantName", "")
            b = r.get("Birthdate", "")
            if b:
                y, m, d = b.split("-")
                o["Birthday"] = f"{int(m)}/{int(d)}/{int(y)}"
            o["Notes"] = r.get("Description", "")
            phones = set(PHONES.values())
            writer.writerow({k: protect(v, k in phones) for k, v in o.items()})


if __name__ == "__main__":
    main()
