# Duplicate matching (issue 6): bench-match dedupes 100k and 1M generated contacts beside
# python recordlinkage on the same data; writes out/bench/match.md.
BENCHES += bench-match
MATCH_BENCH_SIZES ?= 100000 1000000
MATCH_PEER_SIZE   ?= 100000

.PHONY: bench-match
bench-match:
	@PY=$(PY) FERRY=$(FERRY_REL) SIZES="$(MATCH_BENCH_SIZES)" PEER_SIZE=$(MATCH_PEER_SIZE) scripts/bench/match.sh
