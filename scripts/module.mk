# scripts/: keel-docker and its network helper, the demo, install-deps, benchmarks.
INSTALL_SCRIPTS += scripts/keel-docker scripts/keel-docker-net
# bin/keel-netguard: holds a container's published ports and tears its network
# down when the container's monitor dies (keel-docker-net starts one per container).
$(eval $(call program,keel-netguard,scripts/netguard/main.c,))
# keel-docker's modules: the dispatcher finds them in scripts/docker/ in the
# tree and in PREFIX/lib/keel-docker/ when installed.
KEEL_DOCKER_MODULES := $(wildcard scripts/docker/lib/*.sh scripts/docker/cmd/*.sh)
SHELL_SCRIPTS := scripts/keel-docker scripts/keel-docker-net scripts/install-deps scripts/demo \
	$(KEEL_DOCKER_MODULES) scripts/docker/exit-hook \
	$(wildcard scripts/tests/*.sh scripts/tests/*.t scripts/bench/*.sh scripts/bench/run)

.PHONY: install-keel-docker-modules
install: install-keel-docker-modules
install-keel-docker-modules:
	install -d $(DESTDIR)$(PREFIX)/lib/keel-docker/lib $(DESTDIR)$(PREFIX)/lib/keel-docker/cmd
	install -m 0644 $(filter scripts/docker/lib/%,$(KEEL_DOCKER_MODULES)) scripts/docker/lib/*.jq $(DESTDIR)$(PREFIX)/lib/keel-docker/lib/
	install -m 0644 $(filter scripts/docker/cmd/%,$(KEEL_DOCKER_MODULES)) $(DESTDIR)$(PREFIX)/lib/keel-docker/cmd/
	install -m 0755 scripts/docker/exit-hook $(DESTDIR)$(PREFIX)/lib/keel-docker/

.PHONY: check-shellcheck check-keel-docker
check-shellcheck:
	shellcheck -x $(SHELL_SCRIPTS)
CHECK_TARGETS += check-shellcheck

# keel-docker's option parser alone: no root, no container.
.PHONY: check-keel-docker-options
check-keel-docker-options:
	bash scripts/tests/options.t
CHECK_TARGETS += check-keel-docker-options

# End to end, as root: real containers, a real registry, the bridge network.
check-keel-docker: $(BIN)/keel $(BIN)/keel-image $(BIN)/keel-monitor $(BIN)/keel-format \
		$(BIN)/keel-netguard
	bash scripts/tests/keel-docker.t
CHECK_TARGETS += check-keel-docker

# User networks, published ports and volumes, as root.
.PHONY: check-keel-docker-net
check-keel-docker-net: $(BIN)/keel $(BIN)/keel-image $(BIN)/keel-monitor $(BIN)/keel-format \
		$(BIN)/keel-netguard
	bash scripts/tests/keel-docker-net.t
CHECK_TARGETS += check-keel-docker-net

# The commands beyond the daily ones and run's security and resource flags.
.PHONY: check-keel-docker-cmds
check-keel-docker-cmds: $(BIN)/keel $(BIN)/keel-image $(BIN)/keel-bundle $(BIN)/keel-monitor \
		$(BIN)/keel-format $(BIN)/keel-netguard
	bash scripts/tests/keel-docker-cmds.t
CHECK_TARGETS += check-keel-docker-cmds

# The fault suite (issue 17), as root: kill -9 loops over keel, keel-image and
# keel-docker with leak checks, and a fault-injecting proxy before a real registry.
.PHONY: check-faults
check-faults: $(BIN)/keel $(BIN)/keel-image $(BIN)/keel-bundle $(BIN)/keel-monitor \
		$(BIN)/keel-format $(BIN)/keel-netguard
	bash scripts/tests/faults.t
CHECK_TARGETS += check-faults

# The same commands against docker (a dockerd of its own) and keel-docker, compared.
.PHONY: check-docker-compat
check-docker-compat: $(BIN)/keel $(BIN)/keel-image $(BIN)/keel-monitor $(BIN)/keel-format \
		$(BIN)/keel-netguard
	bash scripts/tests/docker-compat.t
CHECK_TARGETS += check-docker-compat

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

check-bench-smoke: $(BIN)/keel $(BIN)/keel-image $(BIN)/keel-monitor $(BIN)/keel-format $(BENCH_TIMEIT)
	bash scripts/bench/run --smoke
CHECK_TARGETS += check-bench-smoke
