# vCard (issue 3): interop with ez-vcard and python vobject; parse + write benchmark.
.PHONY: interop-vcard bench-vcard
INTEROP += interop-vcard
BENCHES += bench-vcard

VCARD_SHARED ?= ../shared
VCARD_CP    := out/interop/vcard/classes:/usr/share/java/ez-vcard.jar:/usr/share/java/vinnie.jar
VCARD_INPUT  = $(filter-out %.expected.vcf,$(wildcard fixtures/vcard/*.vcf)) \
               $(wildcard $(VCARD_SHARED)/corpus/vcard/*.vcf) $(wildcard $(VCARD_SHARED)/corpus/vcard/quirks/*.vcf)

interop-vcard: build venv
	@mkdir -p out/interop/vcard/classes
	@javac -nowarn -cp /usr/share/java/ez-vcard.jar:/usr/share/java/vinnie.jar -d out/interop/vcard/classes \
	  scripts/interop/vcard/VCardCheck.java
	@$(PY) scripts/interop/vcard/check.py $(FERRY_DEBUG) $(VCARD_CP) out/interop/vcard/files $(VCARD_INPUT)

# BENCH_VCARD_CARDS=100000 make bench-vcard for a quick run.
BENCH_VCARD_CARDS ?= 1000000
BENCH_VCARD_SLICE ?= 10000
bench-vcard: release venv
	@scripts/bench/vcard.sh $(FERRY_REL) $(PY) $(BENCH_VCARD_CARDS) $(BENCH_VCARD_SLICE)
