#!/usr/bin/env python3
"""Reference engines for `make bench-csv`: the Salesforce → Outlook mapping of `csv_peer.py`,
done by DuckDB and by Polars, two columnar engines in C++ and Rust that read CSV in parallel
with SIMD. They are not the issue's peer (that is Python's `csv`, `csv_peer.py`): they show
what the best tools known reach on this machine and this file, beside ferry.

usage: csv_engines.py duckdb|polars IN.csv OUT.csv
Prints "SECONDS" (the engine's own time: read, map and write, without the interpreter's
start and the imports) on stdout.

Same mapping as `csv_peer.py`: the 92-column Outlook header, Mailing → Business and Other
addresses with the street split into three lines, the six phones, e-mail with type SMTP,
birthday as M/D/YYYY, notes from Description, and OWASP formula protection, phones that are
numbers kept as they are. Each engine runs on every core (both here). The caller compares
the output, parsed, with ferry's.
"""
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from csv_peer import OUTLOOK, PHONES  # noqa: E402

# A cell whose first character is one of these gets a leading apostrophe; a phone cell that
# starts with + or - and is otherwise digits, spaces and ( ) . / - (at least one digit) is
# kept. The same test as `protect` in csv_peer.py.
PHONE_NUMBER = r"^[+\-][0-9 ()./\-]*[0-9][0-9 ()./\-]*$"
FORMULA_FIRST = ["=", "+", "-", "@", "\t", "\r"]


def mapping():
    """Outlook column → (kind, source): the columns csv_peer.py fills; the rest stay empty."""
    m = {
        "Title": ("col", "Salutation"), "First Name": ("col", "FirstName"), "Last Name": ("col", "LastName"),
        "Job Title": ("col", "Title"), "Department": ("col", "Department"),
        "Assistant's Name": ("col", "AssistantName"), "Notes": ("col", "Description"),
        "E-mail Address": ("col", "Email"), "E-mail Type": ("smtp", "Email"), "Birthday": ("date", "Birthdate"),
    }
    for prefix, target in (("Mailing", "Business"), ("Other", "Other")):
        m[target + " Street"] = ("line1", prefix + "Street")
        m[target + " Street 2"] = ("line2", prefix + "Street")
        m[target + " Street 3"] = ("rest", prefix + "Street")
        for part, out in (("City", "City"), ("State", "State"), ("PostalCode", "Postal Code"),
                          ("Country", "Country/Region")):
            m[f"{target} {out}"] = ("col", prefix + part)
    for src, dst in PHONES.items():
        m[dst] = ("phone", src)
    return m


def run_duckdb(src, dst):
    import duckdb

    def q(name):
        return '"' + name.replace('"', '""') + '"'

    def protect(expr, phone):
        keep = f"regexp_matches({expr}, '{PHONE_NUMBER}')" if phone else "false"
        first = ", ".join(f"chr({ord(c)})" for c in FORMULA_FIRST)
        return (f"CASE WHEN left({expr}, 1) IN ({first}) AND NOT {keep} "
                f"THEN '''' || {expr} ELSE {expr} END")

    m = mapping()
    cols = []
    for name in OUTLOOK:
        kind, source = m.get(name, ("empty", None))
        s = f"coalesce({q(source)}, '')" if source else None
        street = f"replace({s}, chr(13) || chr(10), chr(10))" if source else None
        if kind == "empty":
            expr = "''"
        elif kind in ("col", "phone"):
            expr = protect(s, kind == "phone")
        elif kind == "smtp":
            expr = f"CASE WHEN {s} <> '' THEN 'SMTP' ELSE '' END"
        elif kind == "date":
            expr = (f"CASE WHEN {s} = '' THEN '' ELSE strftime(strptime({s}, '%Y-%m-%d'), '%-m/%-d/%Y') END")
        elif kind == "line1":
            expr = protect(f"split_part({street}, chr(10), 1)", False)
        elif kind == "line2":
            expr = protect(f"split_part({street}, chr(10), 2)", False)
        else:  # rest: lines 3 and on
            expr = protect(f"array_to_string(list_slice(string_split({street}, chr(10)), 3, NULL), chr(10))", False)
        cols.append(f"{expr} AS {q(name)}")
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT {', '.join(cols)} FROM read_csv({q(src).replace(chr(34), chr(39))}, all_varchar = true, "
        f"header = true, quote = '\"', escape = '\"')) TO {q(dst).replace(chr(34), chr(39))} (HEADER, DELIMITER ',')")


def run_polars(src, dst):
    import polars as pl

    def protect(expr, phone):
        bad = expr.str.slice(0, 1).is_in(FORMULA_FIRST)
        if phone:
            bad = bad & ~expr.str.contains(PHONE_NUMBER)
        return pl.when(bad).then(pl.lit("'") + expr).otherwise(expr)

    m = mapping()
    df = pl.scan_csv(src, infer_schema=False)
    exprs = []
    for name in OUTLOOK:
        kind, source = m.get(name, ("empty", None))
        c = pl.col(source).fill_null("") if source else None
        lines = c.str.replace_all("\r\n", "\n", literal=True).str.split("\n") if source else None
        if kind == "empty":
            e = pl.lit("")
        elif kind in ("col", "phone"):
            e = protect(c, kind == "phone")
        elif kind == "smtp":
            e = pl.when(c != "").then(pl.lit("SMTP")).otherwise(pl.lit(""))
        elif kind == "date":
            e = pl.when(c == "").then(pl.lit("")).otherwise(
                c.str.strptime(pl.Date, "%Y-%m-%d", strict=False).dt.strftime("%-m/%-d/%Y"))
        elif kind == "line1":
            e = protect(lines.list.get(0, null_on_oob=True).fill_null(""), False)
        elif kind == "line2":
            e = protect(lines.list.get(1, null_on_oob=True).fill_null(""), False)
        else:
            e = protect(lines.list.slice(2).list.join("\n").fill_null(""), False)
        exprs.append(e.alias(name))
    df.select(exprs).sink_csv(dst, include_bom=True, line_terminator="\r\n")


def main():
    engine, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
    start = time.perf_counter()
    {"duckdb": run_duckdb, "polars": run_polars}[engine](src, dst)
    print(f"{time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    main()
