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

rm -rf "$data/ferry-out" "$data/lxml-out"
mkdir -p "$data/ferry-out"
read -r f_read_s f_read_kb < <(run "$ferry" inspect "$input")
read -r p_read_s p_read_kb < <(run "$py" scripts/interop/exchange/lxml_peer.py read "$input")
read -r f_conv_s f_conv_kb < <(run "$ferry" convert "$input" -t ews -o "$data/ferry-out/out.xml")
read -r p_conv_s p_conv_kb < <(run "$py" scripts/interop/exchange/lxml_peer.py convert "$input" "$data/lxml-out")
written=$(ls "$data/ferry-out" | wc -l)

"$py" - "$count" "$bytes" "$f_read_s" "$f_read_kb" "$p_read_s" "$p_read_kb" "$f_conv_s" "$f_conv_kb" "$p_conv_s" "$p_conv_kb" "$written" > out/bench/exchange.md <<'PY'
import sys
n, size = int(sys.argv[1]), int(sys.argv[2])
fr, frk, pr, prk, fc, fck, pc, pck = map(float, sys.argv[3:11])
files = sys.argv[11]
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
    "Read = `ferry inspect` (every record mapped and counted) vs lxml parse + map; convert = EWS → model → EWS",
    f"CreateItem documents (ferry wrote {files} files).",
    "",
    "| what | ferry | lxml | ratio | target | met? |",
    "| --- | --- | --- | --- | --- | --- |",
    *row("read", fr, pr, frk, prk),
    *row("read + write", fc, pc, fck, pck),
    "",
]
print("\n".join(lines))
PY
cat out/bench/exchange.md
