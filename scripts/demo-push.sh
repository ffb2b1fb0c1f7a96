#!/usr/bin/env bash
# make demo (the push): pushes the bundled CRM fixture to two reps' mailboxes with the bundled
# settings (fixtures/push/sync.yaml), prints the summary, then pushes again: nothing to do.
set -euo pipefail
cd "$(dirname "$0")/.."
ferry=${1:-.build/debug/ferry}
out=out/push
rm -rf "$out"
echo "== first push: fixtures/push/crm.ndjson → $out/<rep>/ (settings: fixtures/push/sync.yaml)"
"$ferry" push --config fixtures/push/sync.yaml --report "$out-report.json"
echo
echo "== second push, same export"
"$ferry" push --config fixtures/push/sync.yaml
echo
echo "== why is Katherine Johnson not pushed?"
"$ferry" explain 003000000000004 --config fixtures/push/sync.yaml
