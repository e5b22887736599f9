# specs/: libspecs.a, the OCI formats as C types and the only JSON code in the tree.
$(eval $(call library,specs,yajl))
$(eval $(call unit_tests,specs,$(LIBS_specs)))

# libFuzzer wants clang; the target and the library are built together with it.
FUZZ_BIN := build/fuzz/config-fuzz
$(FUZZ_BIN): specs/fuzz/config_fuzz.c $(specs_SRCS)
	@mkdir -p $(@D) build/fuzz/corpus
	clang -std=gnu11 -g -O1 -D_GNU_SOURCE -Ispecs/include $(call pc_cflags,yajl) \
		-fsanitize=fuzzer,address,undefined -o $@ $^ $(call pc_libs,yajl)

fuzz: $(FUZZ_BIN)
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 build/fuzz/corpus specs/tests/data

# parse+validate+release time of a typical config.json (runc spec's default).
BENCH_SPECS := $(BUILD)/specs/parse-bench
$(BENCH_SPECS): $(call objs,specs/fuzz/parse_bench.c) $(specs_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(call objs,specs/fuzz/parse_bench.c) $(LIBS_specs)

.PHONY: bench-specs
bench-specs: $(BENCH_SPECS)
	$(BENCH_SPECS) specs/tests/data/runc-spec-config.json

# keel-format: docker's --format and inspect -f (Go templates) over JSON, for keel-docker.
$(eval $(call program,keel-format,specs/cmd/keel-format.c,$(LIBS_specs)))
