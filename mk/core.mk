# make demo: the push on the bundled CRM fixture, then conversions (scripts/demo.sh).
.PHONY: demo
demo: build
	@scripts/demo.sh $(FERRY_DEBUG)
