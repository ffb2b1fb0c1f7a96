#!/usr/bin/env python3
"""Generates N synthetic contacts with about 5% near-duplicates (case, typos, nicknames,
phone formats, e-mail case, blanked fields) for bench-match. Writes PREFIX.ndjson (ferry's
canonical records), PREFIX.csv (the same rows flat, for the python peer) and
PREFIX.truth.csv (true duplicate pairs). Every person is invented.

usage: match_gen.py N PREFIX [SEED]"""
import json, random, sys

GIVEN = """james robert john michael david william richard joseph thomas charles christopher daniel matthew
anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey
ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander
frank patrick raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle ethan
walter noah jeremy christian keith roger terry gerald harold sean austin carl arthur lawrence dylan jesse
jordan bryan billy joe bruce gabriel logan albert willie alan juan wayne elijah randy roy vincent ralph eugene
russell bobby mason philip louis mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa
nancy betty margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa deborah stephanie
rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen samantha katherine
christine debra rachel carolyn janet catherine maria heather diane ruth julie olivia joyce virginia victoria
kelly lauren christina joan evelyn judith megan andrea cheryl hannah jacqueline martha gloria teresa ann sara
madison frances kathryn janice jean abigail alice judy sophia grace denise amber doris marilyn danielle beverly
isabella theresa diana natalie brittany charlotte marie kayla alexis lori""".split()
NICK = {"james": "jim", "robert": "bob", "john": "jack", "michael": "mike", "william": "bill", "richard": "dick",
        "joseph": "joe", "thomas": "tom", "charles": "chuck", "christopher": "chris", "daniel": "dan",
        "matthew": "matt", "anthony": "tony", "steven": "steve", "andrew": "andy", "kenneth": "ken",
        "edward": "ted", "timothy": "tim", "ronald": "ron", "benjamin": "ben", "samuel": "sam",
        "alexander": "alex", "patrick": "pat", "elizabeth": "liz", "margaret": "peggy", "susan": "sue",
        "katherine": "kathy", "rebecca": "becky", "deborah": "debbie", "jennifer": "jenny", "patricia": "patty",
        "kimberly": "kim", "christine": "chris", "victoria": "vicky", "abigail": "abby", "gregory": "greg",
        "nicholas": "nick", "jonathan": "jon", "zachary": "zach", "peter": "pete", "douglas": "doug"}
FAMILY_ROOTS = """smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez
gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark
ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams nelson
baker hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz edwards
collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed
kelly howard ramos kim cox ward richardson watson brooks chavez wood james bennett gray mendoza ruiz hughes
price alvarez castillo sanders patel myers long ross foster jimenez""".split()
SUFFIX = ["", "son", "ton", "ley", "man", "er", "berg", "field", "wood", "ford", "well", "stein", "ski", "ez", "worth", "by", "more", "land"]
STREETS = """main oak pine maple cedar elm washington lake hill park view sunset river church spring north
south mill ridge forest meadow highland jackson lincoln madison franklin center union walnut chestnut""".split()
TYPES = ["Street", "Avenue", "Road", "Drive", "Lane", "Court", "Place", "Boulevard"]
ABBR = {"Street": "St", "Avenue": "Ave", "Road": "Rd", "Drive": "Dr", "Lane": "Ln", "Court": "Ct", "Place": "Pl", "Boulevard": "Blvd"}
CITIES = """springfield riverside franklin greenville bristol clinton fairview salem madison georgetown
arlington ashland burlington manchester milton newport oxford dayton dover hudson""".split()
ORGS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Cyberdyne",
        "Soylent", "Wonka", "Oscorp", "Aperture", "Massive Dynamic", "Gringotts", "Duff", "Prestige", "Bluth", "Pied Piper"]
FORMS = ["Inc.", "LLC", "Ltd", "Corp.", "GmbH", ""]
DOMAINS = ["example.com", "mail.example", "post.example", "inbox.example"]

def typo(s, r):
    if len(s) < 3: return s
    i = r.randrange(1, len(s) - 1)
    k = r.randrange(3)
    if k == 0: return s[:i] + s[i + 1:]
    if k == 1: return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + r.choice("aeiourstln") + s[i + 1:]

def phone_fmt(d, r):
    a, b, c = d[:3], d[3:6], d[6:]
    return r.choice([f"({a}) {b}-{c}", f"+1 {a}-{b}-{c}", f"{a}{b}{c}", f"{a}.{b}.{c}", f"+1 ({a}) {b} {c}", f"1-{a}-{b}-{c}"])

def main():
    n = int(sys.argv[1]); prefix = sys.argv[2]; r = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    families = [f + s for f in FAMILY_ROOTS for s in SUFFIX]
    base_count = int(n / 1.05)
    people = []
    for k in range(base_count):
        g = r.choice(GIVEN); f = r.choice(families)
        digits = f"{r.randrange(201, 990)}{r.randrange(200, 999)}{r.randrange(0, 10000):04d}"
        org = r.choice(ORGS) if r.random() < 0.6 else None
        people.append(dict(given=g, family=f, email=f"{g}.{f}{r.randrange(1000)}@{r.choice(DOMAINS)}",
                           phone=digits, org=org, form=r.choice(FORMS), number=str(r.randrange(1, 9999)),
                           street=r.choice(STREETS), type=r.choice(TYPES), city=r.choice(CITIES),
                           zip=f"{r.randrange(1000, 99999):05d}"))
    rows = []  # (person index, record dict)
    for k, p in enumerate(people):
        rows.append((k, p, False))
    for _ in range(n - base_count):
        k = r.randrange(base_count)
        rows.append((k, people[k], True))
    r.shuffle(rows)
    first_seen = {}
    truth = []
    with open(prefix + ".ndjson", "w") as nd, open(prefix + ".csv", "w") as cs, open(prefix + ".truth.csv", "w") as tr:
        cs.write("Id,FirstName,LastName,Email,Phone,Company,Street,City,PostalCode\n")
        tr.write("id_a,id_b\n")
        for idx, (k, p, dup) in enumerate(rows):
            rid = f"C{idx + 1:07d}"
            g, f, email, phone = p["given"], p["family"], p["email"], phone_fmt(p["phone"], r)
            org = p["org"] and (p["org"] + (" " + p["form"] if p["form"] else ""))
            street = f'{p["number"]} {p["street"].title()} {p["type"]}'
            if dup:
                for _ in range(r.randrange(1, 4)):
                    m = r.randrange(8)
                    if m == 0: g = NICK.get(g, typo(g, r))
                    elif m == 1: f = typo(f, r)
                    elif m == 2: g = typo(g, r)
                    elif m == 3: email = email.upper() if r.random() < 0.5 else ""
                    elif m == 4: phone = ""
                    elif m == 5: street = f'{p["number"]} {p["street"].title()} {ABBR[p["type"]]}'
                    elif m == 6: org = p["org"]
                    else: f = f.upper()
            g = g.title() if r.random() < 0.9 else g.upper()
            f = f.title() if f.islower() else f
            c = {"name": {"given": g, "family": f}, "nicknames": [], "emails": [{"address": email, "types": ["work"]}] if email else [],
                 "phones": [{"number": phone, "types": ["work"]}] if phone else [],
                 "addresses": [{"street": street, "locality": p["city"].title(), "postalCode": p["zip"], "types": ["work"]}],
                 "notes": [], "urls": [], "categories": [], "related": [], "instantMessaging": [], "languages": [], "raw": [],
                 "source": {"system": "salesforce", "objectType": "Contact", "recordId": rid}}
            if org: c["organization"] = org
            nd.write(json.dumps({"contact": c}, separators=(",", ":")) + "\n")
            cs.write(",".join([rid, g, f, email, phone, org or "", street, p["city"].title(), p["zip"]]) + "\n")
            if k in first_seen:
                for other in first_seen[k]: tr.write(f"{other},{rid}\n")
                first_seen[k].append(rid)
            else:
                first_seen[k] = [rid]

if __name__ == "__main__":
    main()
