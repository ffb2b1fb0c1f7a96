# Foundation: demo on bundled fixtures (issue: foundation; becomes the push demo later).
.PHONY: demo
demo: build
	@scripts/demo.sh $(FERRY_DEBUG)
