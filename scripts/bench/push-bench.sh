#!/usr/bin/env bash
# bench-push: plan N contacts + M events against a ledger holding them all, 1% changed, then
# rerun with no change. Writes out/bench/push.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ferry=${1:-.build/release/ferry}
contacts=${2:-1000000}
events=${3:-200000}
data=bench-data/push-$contacts-$events
mkdir -p "$data" out/bench
if [ ! -s "$data/events-changed.ndjson" ]; then
  echo "bench-push: generating $contacts contacts + $events events into $data"
  python3 scripts/bench/push-gen.py "$data" "$contacts" "$events"
fi
records=$((contacts + events))
bytes=$(($(stat -c %s "$data/contacts.csv") + $(stat -c %s "$data/events.ndjson")))
same=(--from "$data/contacts.csv" --from "$data/events.ndjson")
changed=(--from "$data/contacts-changed.csv" --from "$data/events-changed.ndjson")
common=(--to ndjson --today 2026-12-01 --out "$data/out" --ledger "$data/ledger.sqlite" --quiet)

measure() { # name, then the command; prints "wall_seconds peak_mb cpu_seconds"
  local name=$1; shift
  /usr/bin/time -v "$@" 2> "$data/$name.time" > /dev/null
  local wall peak cpu
  wall=$(grep "Elapsed (wall clock)" "$data/$name.time" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  peak=$(grep "Maximum resident set size" "$data/$name.time" | awk '{print int($NF/1024)}')
  cpu=$(grep -E "(User|System) time" "$data/$name.time" | awk '{s+=$NF} END {printf "%.1f", s}')
  echo "$wall $peak $cpu"
}

rm -rf "$data/out" "$data/ledger.sqlite"
echo "bench-push: first push (writes every record and fills the ledger)"
read -r t0 m0 c0 < <(measure first "$ferry" push "${same[@]}" "${common[@]}" --report "$data/first.json")
echo "bench-push: plan with 1% changed (dry run)"
read -r t1 m1 c1 < <(measure changed "$ferry" push "${changed[@]}" "${common[@]}" --dry-run --report "$data/changed.json")
echo "bench-push: rerun with no change"
read -r t2 m2 c2 < <(measure same "$ferry" push "${same[@]}" "${common[@]}" --report "$data/same.json")

updates=$(python3 -c "import json;print(json.load(open('$data/changed.json'))['counts']['update'])")
unchanged=$(python3 -c "import json;print(json.load(open('$data/same.json'))['counts']['unchanged'])")
planpart() { python3 -c "import json;d=json.load(open('$1'))['seconds'];print('%.1f / %.1f' % (d['read'], d['plan']))"; }
rate() { python3 -c "print('%.0f' % ($records / max($1, 0.001)))"; }
mbs() { python3 -c "print('%.1f' % ($bytes / 1e6 / max($1, 0.001)))"; }
met() { python3 -c "print('yes' if $1 < $2 and $3 < $4 else 'no')"; }

cat > out/bench/push.md <<MD
## push (issue 7)

Input: $contacts contacts (Salesforce Contact CSV) + $events events (ferry NDJSON), $((bytes / 1000000)) MB,
20 reps, target \`ndjson\`; the ledger holds every record after the first push. Peak memory is
\`/usr/bin/time -v\` maximum resident set size; "CPU" is user + system time over both cores
(the exports are parsed on a reader thread while the main thread plans; load average
$(cut -d' ' -f1 /proc/loadavg) when the bench ended). "read / plan" splits the main thread's time between
reading (the ledger snapshot and waiting for parsed records) and planning. The first push
holds at most 20,000 planned records (and 10,000 waiting events) in memory and spools the rest to a temporary file.
No peer: nothing else plans against a ledger; the targets are absolute.

| what | ferry wall | CPU (s) | read / plan (s) | records/s (wall) | MB/s | peak MB | target | met? |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
| first push: write all, fill the ledger | ${t0} s | $c0 | $(planpart "$data/first.json") | $(rate "$t0") | $(mbs "$t0") | $m0 | — | |
| plan, 1% changed ($updates updates) | ${t1} s | $c1 | $(planpart "$data/changed.json") | $(rate "$t1") | $(mbs "$t1") | $m1 | < 60 s, < 2 GB | $(met "$t1" 60 "$m1" 2048) |
| rerun, no change ($unchanged unchanged) | ${t2} s | $c2 | $(planpart "$data/same.json") | $(rate "$t2") | $(mbs "$t2") | $m2 | < 30 s | $(met "$t2" 30 "$m2" 2048) |
MD
cat out/bench/push.md
