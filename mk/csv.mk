# CSV family (issue: foundation): benchmark beside Python's csv module.
#   make bench-csv              1,000,000 rows (the acceptance figure)
#   make bench-csv CSV_ROWS=50000   a quick run while developing
CSV_ROWS ?= 1000000
BENCHES += bench-csv
.PHONY: bench-csv
bench-csv:
	@scripts/bench/csv_bench.sh $(CSV_ROWS) $(if $(wildcard $(PY)),$(PY),python3) $(FERRY_REL)
