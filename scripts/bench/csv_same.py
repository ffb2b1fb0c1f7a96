#!/usr/bin/env python3
"""Whether two CSV files hold the same rows, cell for cell, once parsed (Python's csv module;
a UTF-8 BOM and the line ends do not count). Prints "yes"; "same rows, in another order"
(a parallel writer may not keep the input's order); or "no: " and the first difference.

usage: csv_same.py A.csv B.csv
"""
import collections
import csv
import hashlib
import itertools
import sys


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        yield from csv.reader(f)


def digests(path):
    return collections.Counter(hashlib.blake2b("\x1f".join(r).encode(), digest_size=16).digest() for r in rows(path))


def main():
    a_path, b_path = sys.argv[1], sys.argv[2]
    for n, (a, b) in enumerate(itertools.zip_longest(rows(a_path), rows(b_path)), start=1):
        if a == b:
            continue
        if a is None or b is None:
            print(f"no: record {n} is in one file only")
            return
        if digests(a_path) == digests(b_path):
            print("same rows, in another order")
            return
        cell = next((i for i, (x, y) in enumerate(itertools.zip_longest(a, b)) if x != y), 0)
        print(f"no: record {n}, cell {cell + 1}: {a[cell] if cell < len(a) else None!r} "
              f"vs {b[cell] if cell < len(b) else None!r}")
        return
    print("yes")


if __name__ == "__main__":
    main()
