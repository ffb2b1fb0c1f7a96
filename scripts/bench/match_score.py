#!/usr/bin/env python3
"""Pairwise precision/recall/F1 of a clusters CSV (ClusterId,RecordId,...) against true pairs."""
import csv, sys
from collections import defaultdict
clusters = defaultdict(list)
with open(sys.argv[1]) as f:
    for row in csv.DictReader(f):
        clusters[row["ClusterId"]].append(row["RecordId"])
pred = set()
for ms in clusters.values():
    for i in range(len(ms)):
        for j in range(i + 1, len(ms)):
            pred.add(tuple(sorted((ms[i], ms[j]))))
truth = set()
with open(sys.argv[2]) as f:
    for row in csv.DictReader(f):
        truth.add(tuple(sorted((row["id_a"], row["id_b"]))))
tp = len(pred & truth)
p = tp / len(pred) if pred else 1.0
r = tp / len(truth) if truth else 1.0
f1 = 2 * p * r / (p + r) if p + r else 0.0
print(f"P {p:.4f} R {r:.4f} F1 {f1:.4f}")
