# Push (issue 7): the push demo and the push benchmark.
.PHONY: demo-push bench-push
BENCHES += bench-push

# `make demo` becomes this once the lead switches scripts/demo.sh over.
demo-push: build
	@scripts/demo-push.sh $(FERRY_DEBUG)

# Plans 1,000,000 contacts + 200,000 events against a ledger that holds them all (1% changed),
# and again with no change. Sizes: PUSH_CONTACTS, PUSH_EVENTS.
PUSH_CONTACTS ?= 1000000
PUSH_EVENTS   ?= 200000
bench-push: release
	@scripts/bench/push-bench.sh $(FERRY_REL) $(PUSH_CONTACTS) $(PUSH_EVENTS)
