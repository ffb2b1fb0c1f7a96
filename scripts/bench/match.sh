#!/usr/bin/env bash
# bench-match: ferry dedupe on generated contacts (about 5% near-duplicates) at each size in
# $SIZES, and python recordlinkage on the same data (at $PEER_SIZE records: its pair
# comparison does not reach 1M in reasonable time). Writes out/bench/match.md.
set -euo pipefail
PY=${PY:-.venv/bin/python}
FERRY=${FERRY:-.build/release/ferry}
SIZES=${SIZES:-"100000 1000000"}
PEER_SIZE=${PEER_SIZE:-100000}
mkdir -p bench-data out/bench
out=out/bench/match.md
rows=()
peer_row=""
rss() { awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); printf "%.0f", $2/1024}' "$1"; }
secs() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; printf "%.2f", s}' "$1"; }
for n in $SIZES; do
  data=bench-data/match-$n
  [ -f "$data.ndjson" ] || python3 scripts/bench/match_gen.py "$n" "$data"
  /usr/bin/time -v "$FERRY" dedupe "$data.ndjson" --clusters "$data.clusters.csv" -q > "$data.summary" 2> "$data.time" || { cat "$data.time"; exit 1; }
  t=$(secs "$data.time"); m=$(rss "$data.time")
  mb=$(du -m "$data.ndjson" | cut -f1)
  score=$(python3 scripts/bench/match_score.py "$data.clusters.csv" "$data.truth.csv")
  rows+=("| ferry dedupe, $n contacts | ${t} s | $(awk -v n=$n -v t=$t 'BEGIN{printf "%.0f", n/t}') rec/s, $(awk -v b=$mb -v t=$t 'BEGIN{printf "%.1f", b/t}') MB/s | ${m} MB | $score |")
  echo "ferry $n: ${t}s ${m}MB $score"
done
if [ -n "$PEER_SIZE" ] && "$PY" -c "import recordlinkage" 2>/dev/null; then
  data=bench-data/match-$PEER_SIZE
  [ -f "$data.ndjson" ] || python3 scripts/bench/match_gen.py "$PEER_SIZE" "$data"
  /usr/bin/time -v "$PY" scripts/bench/match_peer.py "$data.csv" "$data.peer.csv" > "$data.peer.log" 2> "$data.peer.time" || { cat "$data.peer.time"; exit 1; }
  pt=$(secs "$data.peer.time"); pm=$(rss "$data.peer.time")
  pscore=$(python3 scripts/bench/match_score.py "$data.peer.csv" "$data.truth.csv")
  peer_row="| python recordlinkage 0.16, $PEER_SIZE contacts | ${pt} s | $(awk -v n=$PEER_SIZE -v t=$pt 'BEGIN{printf "%.0f", n/t}') rec/s | ${pm} MB | $pscore |"
  echo "peer $PEER_SIZE: ${pt}s ${pm}MB $pscore"
  ft=$(secs "bench-data/match-$PEER_SIZE.time" 2>/dev/null || echo "")
fi
{
  echo "## Duplicate matching (bench-match)"
  echo
  echo "Generated contacts (\`scripts/bench/match_gen.py\`): about 5% near-duplicates with case changes, typos,"
  echo "nicknames, phone formats, e-mail case and blanked fields. ferry reads NDJSON through the registry and"
  echo "runs with default rules on $(nproc) cores; pairwise precision/recall against the generator's truth."
  echo
  echo "| what | time | throughput | peak RSS | accuracy |"
  echo "| --- | --- | --- | --- | --- |"
  for r in "${rows[@]}"; do echo "$r"; done
  [ -n "$peer_row" ] && echo "$peer_row"
  echo
  last=$(echo $SIZES | awk '{print $NF}')
  lt=$(secs "bench-data/match-$last.time"); lm=$(rss "bench-data/match-$last.time")
  met=$(awk -v t=$lt -v m=$lm 'BEGIN{print (t < 60 && m < 2048) ? "yes" : "no"}')
  echo "| target | ferry | peer | ratio | target | met? |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| dedupe $last contacts | ${lt} s, ${lm} MB | see above ($PEER_SIZE records) | | < 60 s, < 2048 MB | $met |"
  if [ -n "$peer_row" ]; then
    pt2=$(secs "bench-data/match-$PEER_SIZE.peer.time"); ft2=$(secs "bench-data/match-$PEER_SIZE.time" 2>/dev/null || echo 0)
    if [ -f "bench-data/match-$PEER_SIZE.time" ]; then
      echo "| dedupe $PEER_SIZE contacts vs recordlinkage | ${ft2} s | ${pt2} s | $(awk -v a=$pt2 -v b=$ft2 'BEGIN{printf "%.1fx", a/b}') | faster | $(awk -v a=$pt2 -v b=$ft2 'BEGIN{print (b < a) ? "yes" : "no"}') |"
    fi
  fi
  echo
  echo "The peer (recordlinkage, blocking on phone, e-mail and last name + postcode; Jaro-Winkler and exact"
  echo "comparisons; fixed-weight sum) runs on the $PEER_SIZE-record file only: its pandas pair index and"
  echo "per-pair comparisons do not reach 1M records in this bench's time."
} > "$out"
cat "$out"
