#!/usr/bin/env bash
# make demo (the push): pushes the bundled CRM fixture to two reps' mailboxes with the bundled
# settings (fixtures/push/sync.yaml), prints the summary, then pushes again: nothing to do.
set -euo pipefail
cd "$(dirname "$0")/.."
ferry=${1:-.build/debug/ferry}
out=out/push
rm -rf "$out"
# The report goes beside the output folder, in out/, which a fresh clone does not have yet.
mkdir -p "$(dirname "$out")"
echo "== first push: fixtures/push/crm.ndjson → $out/<rep>/ (settings: fixtures/push/sync.yaml)"
"$ferry" push --config fixtures/push/sync.yaml --report "$out-report.json"
echo
echo "== second push, same export"
"$ferry" push --config fixtures/push/sync.yaml
echo
echo "== why is Katherine Johnson not pushed?"
"$ferry" explain 003000000000004 --config fixtures/push/sync.yaml
