#!/usr/bin/env python3
"""The peer for bench-vcard: python vobject parses every card and serialises it again.

Usage: vcard_vobject.py IN.vcf OUT.vcf   (prints the number of cards)
"""
import sys

import vobject


def main():
    count = 0
    with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
        for card in vobject.readComponents(f):
            out.write(card.serialize())
            count += 1
    print(count)


if __name__ == "__main__":
    main()
