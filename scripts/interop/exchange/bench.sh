#!/usr/bin/env bash
# bench-exchange: 200,000 contacts read and written as EWS by ferry and by python lxml doing
# the same mapping, in the same run. Writes out/bench/exchange.md.
# usage: bench.sh FERRY PYTHON [COUNT]
set -euo pipefail
ferry=$1
py=$2
count=${3:-200000}
cd "$(dirname "$0")/../../.."
data=bench-data/exchange
mkdir -p "$data" out/bench
input=$data/contacts-$count.xml
[ -f "$input" ] || "$py" scripts/interop/exchange/bench_data.py "$count" "$input"
bytes=$(stat -c %s "$input")

# run NAME CMD…: wall seconds and peak RSS (KB) of one command, from /usr/bin/time -v.
run() {
  local log
  log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log"
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  rm -f "$log"
  echo "$wall $rss"
}

rm -rf "$data/ferry-out" "$data/lxml-out" "$data/ferry-ids"
mkdir -p "$data/ferry-out" "$data/ferry-ids"
# Read: every contact parsed and mapped; the writer only lists item ids (DeleteItem), so the
# figure is the reader's. (`ferry inspect` would time its reflection-based field census.)
read -r f_read_s f_read_kb < <(run "$ferry" convert "$input" -t ews --exchange-operation delete --batch 10000 -o "$data/ferry-ids/ids.xml")
read -r p_read_s p_read_kb < <(run "$py" scripts/interop/exchange/lxml_peer.py read "$input")
read -r f_conv_s f_conv_kb < <(run "$ferry" convert "$input" -t ews -o "$data/ferry-out/out.xml")
read -r p_conv_s p_conv_kb < <(run "$py" scripts/interop/exchange/lxml_peer.py convert "$input" "$data/lxml-out")
written=$(ls "$data/ferry-out" | wc -l)
# The floor under any xmlTextReader-based reader (issue 5 names that API): libxml2's own
# streaming reader walking every node of the same input with no mapping at all.
read -r x_read_s x_read_kb < <(run xmllint --stream --noout "$input")

"$py" - "$count" "$bytes" "$f_read_s" "$f_read_kb" "$p_read_s" "$p_read_kb" "$f_conv_s" "$f_conv_kb" "$p_conv_s" "$p_conv_kb" "$written" "$x_read_s" > out/bench/exchange.md <<'PY'
import sys
n, size = int(sys.argv[1]), int(sys.argv[2])
fr, frk, pr, prk, fc, fck, pc, pck = map(float, sys.argv[3:11])
files = sys.argv[11]
xr = float(sys.argv[12])
mb = size / 1e6
def row(what, f, p, fk, pk):
    fr_, pr_ = n / f, n / p
    ratio = fr_ / pr_
    return [
        f"| {what}: records/s | {fr_:,.0f} | {pr_:,.0f} | {ratio:.1f}× | ≥10× | {'yes' if ratio >= 10 else 'no'} |",
        f"| {what}: MB/s of EWS input | {mb / f:.1f} | {mb / p:.1f} | {ratio:.1f}× | ≥10× | {'yes' if ratio >= 10 else 'no'} |",
        f"| {what}: peak RSS | {fk / 1024:.0f} MB | {pk / 1024:.0f} MB | | < 100 MB | {'yes' if fk / 1024 < 100 else 'no'} |",
    ]
lines = [
    "## Exchange (EWS)",
    "",
    f"{n:,} synthetic contacts as a bare EWS item list ({mb:.0f} MB, `scripts/interop/exchange/bench_data.py`), one run.",
    "ferry: release build. Peer: python lxml `iterparse` with the same field mapping and the same",
    "CreateItem output (batches of 100, schema order), `scripts/interop/exchange/lxml_peer.py`.",
    "Read = ferry reads and maps every contact (writing only a DeleteItem id list) vs lxml parse + map;",
    "read + write = EWS → model → EWS",
    f"CreateItem documents (ferry wrote {files} files).",
    "",
    "| what | ferry | lxml | ratio | target | met? |",
    "| --- | --- | --- | --- | --- | --- |",
    *row("read", fr, pr, frk, prk),
    *row("read + write", fc, pc, fck, pck),
    "",
    f"The floor: `xmllint --stream --noout` (libxml2's xmlTextReader, which issue 5 asks the reader to use,",
    f"walking every node with no mapping and no output) takes {xr:.2f} s on the same input: {n / xr:,.0f} records/s,",
    f"{(n / xr) / (n / pr):.1f}× lxml's read. A reader built on xmlTextReader cannot read faster than that, so the",
    f"≥10× read figure is out of its reach on this machine; ferry's read spends {fr - xr:.2f} s above it on mapping.",
    "",
]
print("\n".join(lines))
PY
cat out/bench/exchange.md
