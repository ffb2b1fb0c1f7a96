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
  echo "$(uname -sm), $(swift --version 2>/dev/null | head -1)."
  echo "Run: $(date -u +%Y-%m-%dT%H:%MZ). Peak memory is the maximum resident set size (\`/usr/bin/time -v\`)."
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
