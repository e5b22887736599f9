# imagetool/: libimagetool.a (store, registry, unpack, bundle) and bin/keel-image.
IMAGETOOL_PKGS := libcurl libcrypto libarchive libzstd libisal
$(eval $(call library,imagetool,$(IMAGETOOL_PKGS)))
EXTRA_CFLAGS_imagetool += -Iimagetool/cmd
$(eval $(call program,keel-image,$(wildcard imagetool/cmd/*.c),$(LIBS_imagetool) $(LIBS_specs)))
# keel-bundle: bundle and unbundle alone, without loading libcurl (keel-docker run's path)
KEEL_BUNDLE_SRCS := imagetool/lean/main.c imagetool/cmd/bundle.c imagetool/cmd/unbundle.c \
	imagetool/cmd/common.c
# It links statically outside sanitizer builds, like bin/keel: it needs only
# yajl and libcrypto's SHA-256 (digest.c), and loading libcrypto.so cost about
# 1.2 ms of each start (its relocations), twice per keel-docker run (issue 7).
KEEL_BUNDLE_LIBS := -Wl,--as-needed $(LIBS_imagetool) $(LIBS_specs)
ifeq ($(SAN_FLAGS),)
KEEL_BUNDLE_LIBS := $(imagetool_LIB) $(specs_LIB) $(shell $(CC) -print-file-name=libcrypto.a) \
	$(shell $(CC) -print-file-name=libyajl_s.a)
$(BIN)/keel-bundle: ALL_LDFLAGS += -static-pie
endif
$(eval $(call program,keel-bundle,$(KEEL_BUNDLE_SRCS),$(KEEL_BUNDLE_LIBS)))
$(eval $(call unit_tests,imagetool,$(LIBS_imagetool) $(LIBS_specs)))

# End-to-end pulls, pushes and logins against a real docker-registry the suites
# start on 127.0.0.1 (root).
.PHONY: check-imagetool-e2e
check-imagetool-e2e: $(BIN)/keel-image
	shellcheck -x imagetool/tests/e2e/pull_test.sh imagetool/tests/e2e/push_test.sh \
		imagetool/tests/e2e/registry.sh
	bash imagetool/tests/e2e/pull_test.sh
	bash imagetool/tests/e2e/push_test.sh
CHECK_TARGETS += check-imagetool-e2e

# End to end, as root: umoci-built images loaded, unpacked, bundled, run under runc, saved.
.PHONY: check-imagetool-unpack-e2e
check-imagetool-unpack-e2e: $(BIN)/keel-image $(BIN)/keel
	shellcheck imagetool/tests/e2e/unpack.sh
	bash imagetool/tests/e2e/unpack.sh
CHECK_TARGETS += check-imagetool-unpack-e2e

# End to end, as root: Dockerfiles built on busybox-static (every instruction, the cache,
# multi-stage, failures, reproducibility, commit), compared with buildah bud.
.PHONY: check-imagetool-build
check-imagetool-build: $(BIN)/keel-image $(BIN)/keel
	shellcheck -x imagetool/tests/e2e/build.sh
	bash imagetool/tests/e2e/build.sh
CHECK_TARGETS += check-imagetool-build
