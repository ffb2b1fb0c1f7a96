#!/usr/bin/env bash
# Assembles docs/BENCHMARKS.md from the sections each benchmark wrote to out/bench/*.md in
# this run of `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/BENCHMARKS.md
{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` from one run; every figure below comes from that run, ferry and its"
  echo "peers side by side on the same data. Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB,"
  echo "$(uname -sm), $(swift --version 2>/dev/null | head -1). ferry is the release build (\`make release\`: the Swift"
  echo "runtime linked statically, jemalloc as its allocator)."
  echo "Run: $(date -u +%Y-%m-%dT%H:%MZ). Peak memory is the maximum resident set size (\`/usr/bin/time -v\`)."
  echo "Ferry parses on a reader thread while its main thread maps and writes (or plans), so it"
  echo "uses both cores (a vCard, iCalendar or UTF-8 contact CSV input over 2 MB is parsed in pieces on a reader thread and, while it waits, the writer's); the Python peers use one. Throughput per wall-clock second is the figure the"
  echo "targets are read against; per CPU second is given where a section shows it. Ratios are"
  echo "against the peer measured in the same run on this machine, as the issues ask; the Python"
  echo "peers run faster here than the speeds the issues quote, which makes the ratios harder."
  echo "In the CSV, vCard and iCalendar sections every time is the run of median wall time of five,"
  echo "for ferry and its peers alike: one run on this shared machine can be a third off. Each of"
  echo "those runs starts after a \`sync\`, so that no write-back of the output before it (hundreds of"
  echo "MB per run) overlaps it."
  echo
  echo "## Summary"
  echo
  echo "Every row of the sections below that carries a target."
  echo
  python3 scripts/bench-summary.py out/bench
  echo
  for f in csv vcard ical exchange match push; do
    if [ -f "out/bench/$f.md" ]; then
      cat "out/bench/$f.md"
      echo
    fi
  done
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out"
