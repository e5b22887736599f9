# runtime/: libruntime.a (the OCI runtime as a library) and bin/keel (one file per command in cmd/).
RUNTIME_PKGS := libseccomp libcap
$(eval $(call library,runtime,$(RUNTIME_PKGS)))
EXTRA_CFLAGS_runtime += -Iruntime/cmd
$(eval $(call program,keel,$(wildcard runtime/cmd/*.c),$(LIBS_runtime) $(LIBS_specs)))
$(eval $(call unit_tests,runtime,$(LIBS_runtime) $(LIBS_specs)))
