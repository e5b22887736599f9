# imagetool/: libimagetool.a (store, registry, unpack, bundle) and bin/keel-image.
IMAGETOOL_PKGS := libcurl libcrypto libarchive libzstd
$(eval $(call library,imagetool,$(IMAGETOOL_PKGS)))
EXTRA_CFLAGS_imagetool += -Iimagetool/cmd
$(eval $(call program,keel-image,$(wildcard imagetool/cmd/*.c),$(LIBS_imagetool) $(LIBS_specs)))
$(eval $(call unit_tests,imagetool,$(LIBS_imagetool) $(LIBS_specs)))

# End to end, as root: umoci-built images loaded, unpacked, bundled, run under runc, saved.
.PHONY: check-imagetool-unpack-e2e
check-imagetool-unpack-e2e: $(BIN)/keel-image
	shellcheck imagetool/tests/e2e/unpack.sh
	bash imagetool/tests/e2e/unpack.sh
CHECK_TARGETS += check-imagetool-unpack-e2e
