#!/usr/bin/env bash
# Interop checks for EWS and Graph (make interop-exchange): ferry's EWS output validates
# against Microsoft's schema (xmllint) and parses back in exchangelib with equal fields;
# ferry's Graph output is valid JSON with at most 20 requests per batch.
# usage: run.sh FERRY PYTHON
set -euo pipefail
ferry=$1
py=$2
cd "$(dirname "$0")/../../.."
shared=${FERRY_SHARED:-../shared}
[ -d "$shared/formats" ] || { echo "run.sh: no shared folder at $shared (set FERRY_SHARED)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. EWS: read the synthetic mailbox export, write it back as CreateItem batches.
"$ferry" convert fixtures/ews/mailbox-export-items.xml -t ndjson -o "$tmp/records.ndjson" 2>/dev/null
"$ferry" convert "$tmp/records.ndjson" -f ndjson -t ews --batch 4 -o "$tmp/create.xml" 2>/dev/null
"$py" scripts/interop/exchange/validate_payloads.py "$shared/formats/ews-schema/validate.xsd" "$tmp"/create-*.xml
"$py" scripts/interop/exchange/check_exchangelib.py "$tmp/records.ndjson" "$tmp"/create-*.xml 2>/dev/null

# 2. The shared samples, read and written again.
for f in "$shared"/formats/samples/ews/*.xml; do
  name=$(basename "$f" .xml)
  "$ferry" convert "$f" -f ews -t ews -o "$tmp/sample-$name.xml" 2>/dev/null || true
done
ls "$tmp"/sample-*.xml >/dev/null
"$py" scripts/interop/exchange/validate_payloads.py "$shared/formats/ews-schema/validate.xsd" "$tmp"/sample-*.xml

# 2b. push's occurrence documents (a series' excluded and changed occurrences, sent once the
#     mailbox export gives the series' ItemId): UpdateItem and DeleteItem on t:OccurrenceItemId.
"$ferry" push --to ews --today 2026-11-01 --from fixtures/push/series-exceptions.ndjson --out "$tmp/push" \
  --ledger "$tmp/push.sqlite" --provider-export alice.rep@example.com=fixtures/push/alice-series-export.xml >/dev/null
occurrences=("$tmp"/push/*/run-0001/events-update-*.xml)
grep -q OccurrenceItemId "${occurrences[@]}"
"$py" scripts/interop/exchange/validate_payloads.py "$shared/formats/ews-schema/validate.xsd" "${occurrences[@]}"

# 3. Graph: valid JSON, at most 20 requests per batch, each batch fully sequential or fully
#    parallel (Graph answers 400 to a mix of requests with and without dependsOn).
"$ferry" convert "$tmp/records.ndjson" -f ndjson -t graph --batch 3 -o "$tmp/batch.json" 2>/dev/null
"$py" - "$tmp"/batch-*.json <<'PY'
import json, sys
for path in sys.argv[1:]:
    requests = json.load(open(path))["requests"]
    assert 0 < len(requests) <= 20, path
    ids = set()
    for r in requests:
        assert r["method"] in ("POST", "PATCH", "DELETE") and r["url"].startswith("/"), r
        assert all(d in ids for d in r.get("dependsOn", [])), r
        ids.add(r["id"])
    dependent = [r for r in requests[1:] if r.get("dependsOn")]
    assert not dependent or (len(dependent) == len(requests) - 1 and "dependsOn" not in requests[0]), path
    for before, r in zip(requests, requests[1:]):
        assert not dependent or r["dependsOn"] == [before["id"]], (path, r["id"])
print(f"graph: {len(sys.argv) - 1} batch files are valid JSON with at most 20 requests each, fully sequential")
PY
echo "interop-exchange: ok"
