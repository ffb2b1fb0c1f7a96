#!/usr/bin/env bash
# make demo: the main job on bundled fixtures.
#  1. the push (issue 7): the bundled CRM export pushed to two reps' mailboxes with the bundled
#     fixtures/push/sync.yaml; the second run prints "nothing to do";
#  2. conversions of the bundled Salesforce export into Outlook CSV, Google CSV and NDJSON.
set -euo pipefail
cd "$(dirname "$0")/.."
ferry=${1:-.build/debug/ferry}
scripts/demo-push.sh "$ferry"
echo
out=out/demo
mkdir -p "$out"
src=fixtures/csv/salesforce-contacts.csv
echo "== conversions of $src into $out/"
"$ferry" convert "$src" --to csv:outlook -o "$out/outlook.csv" --report "$out/outlook-report.json" --quiet
"$ferry" convert "$src" --to csv:google -o "$out/google.csv" --quiet
"$ferry" convert "$src" --to ndjson -o "$out/contacts.ndjson" --quiet
"$ferry" convert "$src" --to vcard:3.0 --for google -o "$out/google.vcf" --quiet
ls -1 "$out" | sed 's/^/  /'
