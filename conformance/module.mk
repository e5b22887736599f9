# conformance/: the OCI runtime conformance suite (TAP, podman cases included) run against
# this tree's bin/keel, after shellcheck of the suite. As root: make check-conformance.
.PHONY: check-conformance
check-conformance: $(BIN)/keel
	$(MAKE) --no-print-directory -C conformance shellcheck check RUNTIME=keel

CHECK_TARGETS += check-conformance
