# imagetool/: libimagetool.a (store, registry, unpack, bundle) and bin/keel-image.
IMAGETOOL_PKGS := libcurl libcrypto libarchive libzstd libisal
$(eval $(call library,imagetool,$(IMAGETOOL_PKGS)))
EXTRA_CFLAGS_imagetool += -Iimagetool/cmd
$(eval $(call program,keel-image,$(wildcard imagetool/cmd/*.c),$(LIBS_imagetool) $(LIBS_specs)))
# keel-bundle: bundle and unbundle alone, without loading libcurl (keel-docker run's path)
KEEL_BUNDLE_SRCS := imagetool/lean/main.c imagetool/cmd/bundle.c imagetool/cmd/unbundle.c \
	imagetool/cmd/common.c
AS_NEEDED := -Wl,--as-needed
$(eval $(call program,keel-bundle,$(KEEL_BUNDLE_SRCS),$(AS_NEEDED) $(LIBS_imagetool) $(LIBS_specs)))
$(eval $(call unit_tests,imagetool,$(LIBS_imagetool) $(LIBS_specs)))

# End-to-end pulls from a real docker-registry the suite starts on 127.0.0.1 (root).
.PHONY: check-imagetool-e2e
check-imagetool-e2e: $(BIN)/keel-image
	shellcheck -x imagetool/tests/e2e/pull_test.sh imagetool/tests/e2e/registry.sh
	bash imagetool/tests/e2e/pull_test.sh
CHECK_TARGETS += check-imagetool-e2e

# End to end, as root: umoci-built images loaded, unpacked, bundled, run under runc, saved.
.PHONY: check-imagetool-unpack-e2e
check-imagetool-unpack-e2e: $(BIN)/keel-image $(BIN)/keel
	shellcheck imagetool/tests/e2e/unpack.sh
	bash imagetool/tests/e2e/unpack.sh
CHECK_TARGETS += check-imagetool-unpack-e2e
