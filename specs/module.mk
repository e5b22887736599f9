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

# criterion counts a test as passed before LeakSanitizer runs at the worker's
# exit, so under SANITIZE=1 a second run fails on any leak report.
ifeq ($(SANITIZE),1)
.PHONY: check-specs-leaks
check-specs-leaks: $(specs_TEST_BIN)
	@mkdir -p $(BUILD)/specs
	cd specs/tests && $(abspath $(specs_TEST_BIN)) --jobs 2 >$(abspath $(BUILD)/specs/leaks.log) 2>&1 || \
		{ cat $(abspath $(BUILD)/specs/leaks.log); exit 1; }
	@if grep -q 'ERROR: LeakSanitizer' $(BUILD)/specs/leaks.log; then \
		cat $(BUILD)/specs/leaks.log; echo 'specs unit tests leak' >&2; exit 1; fi
CHECK_TARGETS += check-specs-leaks
endif
