#!/usr/bin/env python3
"""The bench peer: python recordlinkage on the generated CSV, written as a clusters CSV.
Blocks on phone digits, lower-case e-mail, and last name + postcode; compares first/last name
(Jaro-Winkler), e-mail, phone, postcode and street; links pairs whose summed score >= 3 and
clusters them with connected components."""
import sys, re
import pandas as pd
import recordlinkage

src, dst = sys.argv[1], sys.argv[2]
df = pd.read_csv(src, dtype=str, keep_default_na=False).set_index("Id")
df["first"] = df["FirstName"].str.lower()
df["last"] = df["LastName"].str.lower()
df["email"] = df["Email"].str.strip().str.lower()
df["phone"] = df["Phone"].map(lambda s: re.sub(r"\D", "", s)[-10:])
df["street"] = df["Street"].str.lower()
idx = recordlinkage.Index()
idx.add(recordlinkage.index.Block("phone"))
idx.add(recordlinkage.index.Block("email"))
idx.add(recordlinkage.index.Block(["last", "PostalCode"]))
pairs = idx.index(df)
pairs = pairs[[a != b for a, b in pairs]]
cmp = recordlinkage.Compare()
cmp.string("first", "first", method="jarowinkler", threshold=0.85, label="first")
cmp.string("last", "last", method="jarowinkler", threshold=0.85, label="last")
cmp.exact("email", "email", label="email")
cmp.exact("phone", "phone", label="phone")
cmp.exact("PostalCode", "PostalCode", label="zip")
cmp.string("street", "street", method="jarowinkler", threshold=0.85, label="street")
features = cmp.compute(pairs, df)
# empty values do not count as agreement
for col, field in [("email", "email"), ("phone", "phone")]:
    empty = df[field] == ""
    a = features.index.get_level_values(0).map(empty)
    features.loc[a, col] = 0
links = features[features.sum(axis=1) >= 4].index
parent = {}
def find(x):
    while parent.get(x, x) != x:
        x = parent[x]
    return x
for a, b in links:
    ra, rb = find(a), find(b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)
groups = {}
for x in set(parent) | set(parent.values()):
    groups.setdefault(find(x), []).append(x)
with open(dst, "w") as f:
    f.write("ClusterId,RecordId,Source,Score,Rule\n")
    for k, (root, ms) in enumerate(sorted(groups.items()), 1):
        if len(ms) < 2: continue
        for m in sorted(ms):
            f.write(f"{k},{m},{src},,recordlinkage\n")
print(f"{len(pairs)} candidate pairs, {len(links)} links", file=sys.stderr)
