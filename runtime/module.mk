# runtime/: libruntime.a (the OCI runtime as a library) and bin/keel (one file per command in cmd/).
RUNTIME_PKGS := libseccomp libcap
$(eval $(call library,runtime,$(RUNTIME_PKGS)))
EXTRA_CFLAGS_runtime += -Iruntime/cmd
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
