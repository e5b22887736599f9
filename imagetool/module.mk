# imagetool/: libimagetool.a (store, registry, unpack, bundle) and bin/keel-image.
IMAGETOOL_PKGS := libcurl libcrypto libarchive libzstd
$(eval $(call library,imagetool,$(IMAGETOOL_PKGS)))
EXTRA_CFLAGS_imagetool += -Iimagetool/cmd
$(eval $(call program,keel-image,$(wildcard imagetool/cmd/*.c),$(LIBS_imagetool) $(LIBS_specs)))
$(eval $(call unit_tests,imagetool,$(LIBS_imagetool) $(LIBS_specs)))
