# Exchange (issue 5): EWS XML and Microsoft Graph JSON.
# interop-exchange: xmllint schema validation of ferry's EWS output, exchangelib parse-back,
#                   Graph batch shape (scripts/interop/exchange/run.sh).
# bench-exchange:   200,000 contacts written and read as EWS beside python lxml
#                   (scripts/interop/exchange/bench.sh), into out/bench/exchange.md.
INTEROP += interop-exchange
BENCHES += bench-exchange

.PHONY: interop-exchange bench-exchange

interop-exchange: build venv
	@scripts/interop/exchange/run.sh $(FERRY_DEBUG) $(PY)

bench-exchange: release venv
	@scripts/interop/exchange/bench.sh $(FERRY_REL) $(PY) $(EXCHANGE_BENCH_COUNT)
