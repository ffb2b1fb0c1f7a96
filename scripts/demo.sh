#!/usr/bin/env bash
# make demo: converts the bundled Salesforce export into Outlook CSV, Google CSV and NDJSON.
set -euo pipefail
cd "$(dirname "$0")/.."
ferry=${1:-.build/debug/ferry}
out=out/demo
mkdir -p "$out"
src=fixtures/csv/salesforce-contacts.csv
"$ferry" convert "$src" --to csv:outlook -o "$out/outlook.csv" --report "$out/outlook-report.json"
"$ferry" convert "$src" --to csv:google -o "$out/google.csv"
"$ferry" convert "$src" --to ndjson -o "$out/contacts.ndjson"
echo
echo "demo: wrote $(ls "$out" | wc -l) files to $out/"
"$ferry" inspect "$src" | head -8
