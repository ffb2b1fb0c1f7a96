# Coverage-guided fuzzing (libFuzzer) of every reader, and of every writer fed by them.
# Not part of `make test`. One target at a time, in one process (no -jobs: one core):
#   make fuzz FUZZ_TARGET=vcard FUZZ_SECONDS=600
# Targets: vcard ics csv ews graph ndjson roundtrip (roundtrip reads with detection, then
# writes each record with every writer). The corpus grows in out/fuzz/<target>/corpus;
# crashes, timeouts and out-of-memory inputs land in out/fuzz/<target>/ as crash-*, timeout-*,
# oom-*: minimise one with `make fuzz-minimize FUZZ_TARGET=… FUZZ_INPUT=…`.
.PHONY: fuzz fuzz-build fuzz-seeds fuzz-minimize

FUZZ_TARGET  ?= roundtrip
FUZZ_SECONDS ?= 600
FUZZ_MAX_LEN ?= 65536
FUZZ_SHARED  ?= ../shared
FUZZ_BIN     := fuzz/.build/release/FerryFuzz
FUZZ_OUT      = out/fuzz/$(FUZZ_TARGET)
FUZZ_FLAGS   ?= -timeout=10 -rss_limit_mb=2048 -max_len=$(FUZZ_MAX_LEN) -print_final_stats=1

# Seed files per target: the fixtures and the shared corpus, by extension.
FUZZ_SEEDS_vcard     = fixtures/vcard/*.vcf $(FUZZ_SHARED)/corpus/vcard/*.vcf $(FUZZ_SHARED)/corpus/vcard/*/*.vcf fixtures/fuzz/vcard/*
FUZZ_SEEDS_ics       = fixtures/ics/*.ics fixtures/csv-events/*.ics $(FUZZ_SHARED)/corpus/ical/*.ics $(FUZZ_SHARED)/corpus/ical/*.vcs \
                       $(FUZZ_SHARED)/corpus/ical/*/*.ics fixtures/fuzz/ics/*
FUZZ_SEEDS_csv       = fixtures/csv/*.csv fixtures/csv/*/*.csv fixtures/csv-events/*.csv fixtures/fuzz/csv/*
FUZZ_SEEDS_ews       = fixtures/ews/*.xml fixtures/fuzz/ews/*
FUZZ_SEEDS_graph     = fuzz/seeds/graph/*.json fixtures/fuzz/graph/*
FUZZ_SEEDS_ndjson    = fixtures/push/*.ndjson fixtures/match/*.ndjson fixtures/fuzz/ndjson/*
FUZZ_SEEDS_roundtrip = $(foreach t,vcard ics csv ews graph ndjson,$(FUZZ_SEEDS_$(t)))

# The harness is a package of its own (fuzz/Package.swift): -sanitize=fuzzer never reaches
# the main package's build.
fuzz-build:
	cd fuzz && $(SWIFT) build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library

fuzz-seeds:
	@mkdir -p $(FUZZ_OUT)/seeds $(FUZZ_OUT)/corpus
	@for f in $(wildcard $(FUZZ_SEEDS_$(FUZZ_TARGET))); do \
	  [ -f "$$f" ] && [ $$(stat -c %s "$$f") -le $(FUZZ_MAX_LEN) ] && cp "$$f" $(FUZZ_OUT)/seeds/; done; true

fuzz: fuzz-build fuzz-seeds
	FERRY_FUZZ_TARGET=$(FUZZ_TARGET) $(FUZZ_BIN) $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) \
	  -dict=fuzz/dictionaries/$(FUZZ_TARGET).dict -artifact_prefix=$(FUZZ_OUT)/ \
	  $(FUZZ_OUT)/corpus $(FUZZ_OUT)/seeds

fuzz-minimize: fuzz-build
	FERRY_FUZZ_TARGET=$(FUZZ_TARGET) $(FUZZ_BIN) -minimize_crash=1 -runs=20000 -timeout=10 \
	  -exact_artifact_path=$(FUZZ_INPUT).min $(FUZZ_INPUT)
