/* docker's json-file entries through the engine: any bytes in, the same out. */
#include <criterion/criterion.h>
#include <string.h>

#include "keel/container_log.h"
#include "keel/runtime_spec.h"

static void roundtrip(const char *bytes, size_t n, const char *want_json)
{
    keel_err err = {0};
    struct spec_writer *w = spec_writer_new(&err);
    cr_assert_not_null(w);
    struct docker_log_entry e = {.log = (char *)bytes, .log_len = n, .stream = "stdout",
                                 .time = "2026-01-02T03:04:05.000000006Z"};
    cr_assert_eq(spec_writer_add(w, &spec_type_docker_log_entry, &e, &err), 0, "%s", err.msg);
    size_t len;
    const char *doc = spec_writer_buf(w, &len);
    if (want_json != NULL)
        cr_assert_eq(len == strlen(want_json) && memcmp(doc, want_json, len) == 0, 1,
                     "got %.*s", (int)len, doc);
    struct docker_log_entry back;
    cr_assert_eq(spec_parse(&spec_type_docker_log_entry, doc, len, "log", &back, &err), 0,
                 "%s", err.msg);
    cr_assert_eq(back.log_len, n);
    cr_assert_eq(memcmp(back.log, bytes, n), 0);
    cr_assert_str_eq(back.stream, "stdout");
    spec_release(&spec_type_docker_log_entry, &back);
    spec_writer_free(w);
}

Test(container_log, writes_docker_format)
{
    roundtrip("hello\n", 6,
              "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-02T03:04:05.000000006Z\"}\n");
}

Test(container_log, keeps_a_partial_line_partial)
{
    roundtrip("no newline", 10,
              "{\"log\":\"no newline\",\"stream\":\"stdout\",\"time\":\"2026-01-02T03:04:05.000000006Z\"}\n");
}

Test(container_log, any_byte_comes_back)
{
    char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)i;
    roundtrip(all, sizeof all, NULL);
    roundtrip("\xff\xfe\0\x01\"\\", 6, NULL);
}

Test(container_log, empty_log_is_present)
{
    roundtrip("", 0, "{\"log\":\"\",\"stream\":\"stdout\",\"time\":\"2026-01-02T03:04:05.000000006Z\"}\n");
}

Test(container_log, writer_reuses_its_buffer)
{
    keel_err err = {0};
    struct spec_writer *w = spec_writer_new(&err);
    struct docker_log_entry e = {.log = "a\n", .log_len = 2, .stream = "stderr", .time = "t"};
    cr_assert_eq(spec_writer_add(w, &spec_type_docker_log_entry, &e, &err), 0);
    cr_assert_eq(spec_writer_add(w, &spec_type_docker_log_entry, &e, &err), 0);
    size_t len;
    const char *one = "{\"log\":\"a\\n\",\"stream\":\"stderr\",\"time\":\"t\"}\n";
    spec_writer_buf(w, &len);
    cr_assert_eq(len, 2 * strlen(one));
    spec_writer_clear(w);
    spec_writer_buf(w, &len);
    cr_assert_eq(len, 0);
    spec_writer_free(w);
}

Test(container_log, stream_refuses_nul)
{
    keel_err err = {0};
    struct docker_log_entry back;
    const char *doc = "{\"log\":\"x\",\"stream\":\"std\\u0000out\"}";
    cr_assert_eq(spec_parse(&spec_type_docker_log_entry, doc, strlen(doc), "log", &back, &err), -1);
    cr_assert_str_eq(err.msg, "log: stream: string contains a NUL character");
}

/* The writer's own compact output is yajl's, byte for byte, on a big document
 * with escapes and UTF-8 in it. */
Test(container_log, writer_writes_what_spec_generate_writes)
{
    keel_err err = {0};
    struct oci_config c;
    cr_assert_eq(spec_parse_file(&spec_type_oci_config, "data/runc-spec-config.json", &c, &err), 0,
                 "%s", err.msg);
    cr_assert_eq(spec_strs_append(&c.process->args, &c.process->args_len,
                                  "tab\there \"quoted\" back\\slash \x01\x1f caf\xc3\xa9 \xe2\x82\xac"), 0);
    size_t glen;
    char *gen = spec_generate(&spec_type_oci_config, &c, false, &glen, &err);
    cr_assert_not_null(gen, "%s", err.msg);
    struct spec_writer *w = spec_writer_new(&err);
    cr_assert_eq(spec_writer_add(w, &spec_type_oci_config, &c, &err), 0, "%s", err.msg);
    size_t wlen;
    const char *out = spec_writer_buf(w, &wlen);
    cr_assert_eq(wlen, glen + 1);
    cr_assert_eq(memcmp(out, gen, glen), 0, "writer: %.*s\ngenerate: %s", (int)wlen, out, gen);
    cr_assert_eq(out[glen], '\n');
    free(gen);
    spec_writer_free(w);
    spec_release(&spec_type_oci_config, &c);
}

Test(container_log, writer_refuses_a_str_that_is_not_utf8)
{
    keel_err err = {0};
    struct spec_writer *w = spec_writer_new(&err);
    struct docker_log_entry e = {.log = "ok", .log_len = 2, .stream = "std\xffout", .time = "t"};
    cr_assert_eq(spec_writer_add(w, &spec_type_docker_log_entry, &e, &err), -1);
    cr_assert_str_eq(err.msg, "generate docker_log_entry: a string is not valid UTF-8");
    size_t len;
    spec_writer_buf(w, &len);
    cr_assert_eq(len, 0);
    spec_writer_free(w);
}
