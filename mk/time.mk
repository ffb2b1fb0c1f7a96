# Time zones and recurrence (FerryTime, issue 4): the differential check against python-dateutil.
#   make interop-time   5,000 seeded random RRULEs; ferry's instances must equal dateutil's
# The cases (and dateutil's answers) are generated once into out/, again when the generator or
# the pinned packages change; the Swift test RecurrenceDifferentialTests reads them.
.PHONY: interop-time
INTEROP += interop-time

TIME_CASES := out/interop/time/rrule-cases.json

$(TIME_CASES): scripts/interop/time/rrule_cases.py $(VENV)/.stamp
	@mkdir -p $(dir $@)
	$(PY) scripts/interop/time/rrule_cases.py --seed 20261129 --count 5000 --out $@.tmp
	@mv $@.tmp $@

interop-time: $(TIME_CASES)
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	FERRY_RRULE_CASES=$(CURDIR)/$(TIME_CASES) $(SWIFT) test --skip-build $(BUILD_FLAGS) --filter RecurrenceDifferentialTests
