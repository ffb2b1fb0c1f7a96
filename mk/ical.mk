# iCalendar (issue 4): interop with python icalendar and libical, the recurrence differential
# against recurring-ical-events, and the parse/write/expand benchmark.
INTEROP += interop-ical
BENCHES += bench-ical

ICAL_SHARED ?= ../shared
ICAL_CORPUS = $(shell find $(ICAL_SHARED)/corpus/ical -type f \( -name '*.ics' -o -name '*.vcs' \) 2>/dev/null | sort)
ICAL_INPUTS = $(filter-out %.expected.ics,$(wildcard fixtures/ics/*.ics)) $(ICAL_CORPUS)

.PHONY: interop-ical bench-ical
interop-ical: venv build
	$(PY) scripts/interop/ical/check_parsers.py --ferry $(FERRY_DEBUG) --out out/interop/ical $(ICAL_INPUTS)
	$(PY) scripts/interop/ical/check_parsers.py --for outlook --no-reference --ferry $(FERRY_DEBUG) --out out/interop/ical-outlook $(ICAL_INPUTS)
	$(PY) scripts/interop/ical/check_recurrence.py --ferry $(FERRY_DEBUG) --out out/interop/ical-recurrence fixtures/ics/until-end-of-day.ics $(ICAL_CORPUS)

bench-ical: venv release
	$(PY) scripts/interop/ical/bench.py --ferry $(FERRY_REL) --data bench-data/ical --out out/bench/ical.md
