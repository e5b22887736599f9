# runtime/: libruntime.a (the OCI runtime as a library) and bin/keel (one file per command in cmd/).
RUNTIME_PKGS := libseccomp libcap
$(eval $(call library,runtime,$(RUNTIME_PKGS)))
# The library's families live in folders (cgroup/, container/, mounts/, process/,
# seccomp/); each is on the include path so that `#include "x.h"` finds x.h wherever
# its family lives.
EXTRA_CFLAGS_runtime += -Iruntime/cmd $(patsubst %/,-I%,$(sort $(dir $(wildcard runtime/lib/*/*.h))))
# bin/keel links statically (static-pie, so still ASLR) outside sanitizer builds: keel
# execs twice per create (exe_seal.c), and the dynamic loader's work for four shared
# libraries each time, and their pages, were a visible part of a `run` (issue 7:
# peak RSS 2.1 MB dynamic, 1.3 MB static). ASan needs the dynamic link.
KEEL_LIBS := $(LIBS_runtime) $(LIBS_specs)
ifeq ($(SAN_FLAGS),)
KEEL_LIBS := $(patsubst -lyajl,$(shell $(CC) -print-file-name=libyajl_s.a),$(KEEL_LIBS))
$(BIN)/keel: ALL_LDFLAGS += -static-pie
# On x86-64 keel enters at keel_entry (runtime/cmd/early_seal.c), which does the
# read-only re-exec before glibc starts; that code runs before relocation and
# TLS, hence no stack protector, no fortify, no library calls made for it.
ifeq ($(firstword $(subst -, ,$(shell $(CC) -dumpmachine))),x86_64)
$(BIN)/keel: ALL_LDFLAGS += -Wl,-e,keel_entry
endif
endif
$(BUILD)/runtime/cmd/early_seal.o: ALL_CFLAGS += -fno-stack-protector -U_FORTIFY_SOURCE \
	-ffreestanding -fno-tree-loop-distribute-patterns
$(eval $(call program,keel,$(wildcard runtime/cmd/*.c),$(KEEL_LIBS)))
$(eval $(call unit_tests,runtime,$(LIBS_runtime) $(LIBS_specs)))

# End to end, as root: exec into busybox containers, seccomp as processes see it.
.PHONY: check-runtime-exec-seccomp
check-runtime-exec-seccomp: $(BIN)/keel
	shellcheck -x runtime/tests/e2e/exec-seccomp.t
	bash runtime/tests/e2e/exec-seccomp.t
CHECK_TARGETS += check-runtime-exec-seccomp

# End to end, as root: runc's CVEs tried for real (skipped without root).
.PHONY: check-runtime-security
check-runtime-security: $(BIN)/keel
	shellcheck -x runtime/tests/e2e/security.t
	bash runtime/tests/e2e/security.t
CHECK_TARGETS += check-runtime-security

# End to end, as root: the pty of run -t and exec -t (ttyname, sizes, resizes, Ctrl-C).
.PHONY: check-runtime-tty
check-runtime-tty: $(BIN)/keel
	shellcheck -x runtime/tests/e2e/tty.t
	bash runtime/tests/e2e/tty.t
CHECK_TARGETS += check-runtime-tty

# bin/keel-monitor: the container monitor (conmon's job), one process per
# container; runtime/monitor/ holds one file per concern, main.c its commands.
# Static outside sanitizer builds, as bin/keel: its resident size is what
# every running container costs.
MONITOR_SRCS := $(filter-out runtime/monitor/main.c,$(wildcard runtime/monitor/*.c))
MONITOR_LIB := $(BUILD)/libmonitor.a
$(MONITOR_LIB): $(call objs,$(MONITOR_SRCS))
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^
ifeq ($(SAN_FLAGS),)
$(BIN)/keel-monitor: ALL_LDFLAGS += -static-pie
endif
$(eval $(call program,keel-monitor,runtime/monitor/main.c,$(MONITOR_LIB) $(KEEL_LIBS)))

# Its unit tests (log encoding, detach keys, restart back-off, status file),
# then the end-to-end suite as root with bin/keel on busybox bundles.
MONITOR_TEST_SRCS := $(wildcard runtime/monitor/tests/*.c)
MONITOR_TEST_BIN := $(BUILD)/runtime/monitor/tests/monitor-test
$(call objs,$(MONITOR_TEST_SRCS)): ALL_CFLAGS += -Iruntime/monitor
$(MONITOR_TEST_BIN): $(call objs,$(MONITOR_TEST_SRCS)) $(MONITOR_LIB) $(filter %.a,$(LIBS_runtime) $(LIBS_specs))
	$(CC) $(ALL_LDFLAGS) -o $@ $(call objs,$(MONITOR_TEST_SRCS)) $(MONITOR_LIB) $(LIBS_runtime) $(LIBS_specs) $(call pc_libs,criterion)
.PHONY: check-monitor
check-monitor: $(MONITOR_TEST_BIN) $(BIN)/keel $(BIN)/keel-monitor
	cd runtime/monitor/tests && $(call run_unit,check-monitor,$(abspath $(MONITOR_TEST_BIN)) --jobs 2)
	shellcheck -x runtime/tests/e2e/monitor.t
	bash runtime/tests/e2e/monitor.t
CHECK_TARGETS += check-monitor
