# scripts/: keel-docker and its network helper, the demo, install-deps, benchmarks.
INSTALL_SCRIPTS += scripts/keel-docker scripts/keel-docker-net
SHELL_SCRIPTS := scripts/keel-docker scripts/keel-docker-net scripts/install-deps scripts/demo \
	$(wildcard scripts/tests/*.sh scripts/tests/*.t scripts/bench/*.sh scripts/bench/run)

.PHONY: check-shellcheck check-keel-docker
check-shellcheck:
	shellcheck -x $(SHELL_SCRIPTS)
CHECK_TARGETS += check-shellcheck

# End to end, as root: real containers, a real registry, the bridge network.
check-keel-docker: $(BIN)/keel $(BIN)/keel-image
	bash scripts/tests/keel-docker.t
CHECK_TARGETS += check-keel-docker

# The fault suite (issue 17), as root: kill -9 loops over keel, keel-image and
# keel-docker with leak checks, and a fault-injecting proxy before a real registry.
.PHONY: check-faults
check-faults: $(BIN)/keel $(BIN)/keel-image $(BIN)/keel-bundle
	bash scripts/tests/faults.t
CHECK_TARGETS += check-faults

# Benchmarks against runc, crun, skopeo, umoci and podman (not part of check;
# a one-round smoke run is).
.PHONY: bench check-bench-smoke
# The benchmarks' timer, static so that its own image (the floor of every peak
# RSS it reports) stays small; never sanitized.
BENCH_TIMEIT := build/tools/timeit
$(BENCH_TIMEIT): scripts/bench/timeit.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(CFLAGS) $(WARN) -static -o $@ $<

bench: deps all $(BENCH_TIMEIT)
	bash scripts/bench/run

check-bench-smoke: $(BIN)/keel $(BIN)/keel-image $(BENCH_TIMEIT)
	bash scripts/bench/run --smoke
CHECK_TARGETS += check-bench-smoke
