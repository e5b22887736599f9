/* The JSON engine on the runtime config: types, presence, errors. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keel/runtime_spec.h"

static int parse_config(const char *doc, struct oci_config *c, keel_err *err)
{
    return spec_parse(&spec_type_oci_config, doc, strlen(doc), "config.json", c, err);
}

Test(engine, parses_nested_fields)
{
    struct oci_config c;
    keel_err err = {0};
    cr_assert_eq(parse_config("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\",\"-c\"],"
                              "\"user\":{\"uid\":0,\"gid\":4294967295}},"
                              "\"linux\":{\"resources\":{\"memory\":{\"limit\":-1}}}}", &c, &err), 0,
                 "%s", err.msg);
    cr_assert_str_eq(c.ociVersion, "1.2.0");
    cr_assert_eq(c.process->args_len, 2);
    cr_assert_str_eq(c.process->args[1], "-c");
    cr_assert_eq(c.process->user->gid, 4294967295u);
    cr_assert(c.linux->resources->memory->has_limit);
    cr_assert_eq(c.linux->resources->memory->limit, -1);
    cr_assert_not(c.linux->resources->memory->has_swap);
    spec_release(&spec_type_oci_config, &c);
}

Test(engine, names_json_path_on_type_error)
{
    struct oci_config c;
    keel_err err = {0};
    cr_assert_eq(parse_config("{\"process\":{\"args\":[\"sh\",1]}}", &c, &err), -1);
    cr_assert_str_eq(err.msg, "config.json: process.args[1]: expected string, got number");
}

/* Memory limits use -1 for unlimited; the unsigned fields take the full range. */
Test(engine, keeps_the_64_bit_range)
{
    static const char doc[] = "{\"linux\":{\"resources\":{\"memory\":{\"limit\":-1,\"swap\":-9223372036854775808,"
                              "\"reservation\":9223372036854775807,\"swappiness\":18446744073709551615},"
                              "\"cpu\":{\"quota\":-1,\"period\":18446744073709551615}}},"
                              "\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":18446744073709551615,\"soft\":0}]}}";
    struct oci_config c, again;
    keel_err err = {0};
    cr_assert_eq(parse_config(doc, &c, &err), 0, "%s", err.msg);
    struct oci_memory *m = c.linux->resources->memory;
    cr_assert_eq(m->limit, -1);
    cr_assert_eq(m->swap, INT64_MIN);
    cr_assert_eq(m->reservation, INT64_MAX);
    cr_assert_eq(m->swappiness, UINT64_MAX);
    cr_assert_eq(c.linux->resources->cpu->quota, -1);
    cr_assert_eq(c.linux->resources->cpu->period, UINT64_MAX);
    cr_assert_eq(c.process->rlimits[0].hard, UINT64_MAX);
    char *out = spec_generate(&spec_type_oci_config, &c, false, NULL, &err);
    cr_assert_not_null(out, "%s", err.msg);
    cr_assert_not_null(strstr(out, "\"limit\":-1,"), "%s", out);
    cr_assert_not_null(strstr(out, "\"swappiness\":18446744073709551615"), "%s", out);
    cr_assert_not_null(strstr(out, "\"swap\":-9223372036854775808"), "%s", out);
    cr_assert_eq(parse_config(out, &again, &err), 0, "%s", err.msg);
    cr_assert(spec_equal(&spec_type_oci_config, &c, &again));
    free(out);
    spec_release(&spec_type_oci_config, &again);
    spec_release(&spec_type_oci_config, &c);
}

/* A repeated key: the last one wins, for fields and for map entries alike
 * (Go's encoding/json does the same), and the map keeps one entry per key. */
Test(engine, repeated_keys_last_one_wins)
{
    static const char doc[] = "{\"hostname\":\"a\",\"process\":{\"args\":[\"x\"],\"terminal\":true},"
                              "\"hostname\":\"b\",\"process\":{\"args\":[\"y\",\"z\"]},"
                              "\"annotations\":{\"k\":\"1\",\"j\":\"2\",\"k\":\"3\"},"
                              "\"linux\":{\"resources\":{\"rdma\":{\"m\":{\"hcaHandles\":1},\"m\":{\"hcaObjects\":2}}}}}";
    struct oci_config c;
    keel_err err = {0};
    cr_assert_eq(parse_config(doc, &c, &err), 0, "%s", err.msg);
    cr_assert_str_eq(c.hostname, "b");
    cr_assert_eq(c.process->args_len, 2);
    cr_assert_not(c.process->has_terminal, "the first process object is gone whole");
    cr_assert_eq(c.annotations_len, 2);
    cr_assert_str_eq(c.annotations_keys[0], "k");
    cr_assert_str_eq(c.annotations[0], "3");
    cr_assert_str_eq(c.annotations[1], "2");
    cr_assert_eq(c.linux->resources->rdma_len, 1);
    cr_assert_not(c.linux->resources->rdma[0].has_hcaHandles);
    cr_assert_eq(c.linux->resources->rdma[0].hcaObjects, 2);
    spec_release(&spec_type_oci_config, &c);
}

/* null is what Go writes for an empty slice, map or pointer: absent. */
Test(engine, null_means_absent)
{
    struct oci_config c;
    keel_err err = {0};
    cr_assert_eq(parse_config("{\"hostname\":\"a\",\"hostname\":null,\"mounts\":null,\"process\":"
                              "{\"user\":{\"uid\":5,\"additionalGids\":[1,2]},\"terminal\":true,\"terminal\":null}}",
                              &c, &err), 0, "%s", err.msg);
    cr_assert_null(c.hostname);
    cr_assert_null(c.mounts);
    cr_assert_not(c.process->has_terminal);
    cr_assert_eq(c.process->user->additionalGids_len, 2);
    cr_assert_eq(c.process->user->additionalGids[1], 2);
    spec_release(&spec_type_oci_config, &c);
}

/* Empty arrays and maps stay present, so a round trip keeps them. */
Test(engine, empty_containers_are_present)
{
    struct oci_config c;
    keel_err err = {0};
    cr_assert_eq(parse_config("{\"mounts\":[],\"annotations\":{}}", &c, &err), 0, "%s", err.msg);
    cr_assert_not_null(c.mounts);
    cr_assert_eq(c.mounts_len, 0);
    cr_assert_not_null(c.annotations_keys);
    char *out = spec_generate(&spec_type_oci_config, &c, false, NULL, &err);
    cr_assert_str_eq(out, "{\"mounts\":[],\"annotations\":{}}");
    free(out);
    spec_release(&spec_type_oci_config, &c);
}

/* A string that is not UTF-8 cannot be generated (and cannot come from a parse). */
Test(engine, generate_refuses_invalid_utf8)
{
    struct oci_config c = {0};
    c.hostname = "a\xff";
    keel_err err = {0};
    cr_assert_null(spec_generate(&spec_type_oci_config, &c, false, NULL, &err));
    cr_assert_str_eq(err.msg, "generate oci_config: a string is not valid UTF-8");
}

/* Repeats in a big map are found too (by hashing), in linear time. */
Test(engine, repeated_keys_in_a_big_map)
{
    size_t n = 50000, cap = n * 24 + 64, len = 0;
    char *doc = malloc(cap);
    cr_assert_not_null(doc);
    len += (size_t)snprintf(doc + len, cap - len, "{\"annotations\":{");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(doc + len, cap - len, "%s\"k%zu\":\"%zu\"", i ? "," : "", i % (n / 2), i);
    len += (size_t)snprintf(doc + len, cap - len, "}}");
    struct oci_config c;
    keel_err err = {0};
    cr_assert_eq(spec_parse(&spec_type_oci_config, doc, len, "config.json", &c, &err), 0, "%s", err.msg);
    cr_assert_eq(c.annotations_len, n / 2);
    cr_assert_str_eq(c.annotations_keys[7], "k7");
    cr_assert_eq(strtoul(c.annotations[7], NULL, 10), n / 2 + 7);
    free(doc);
    spec_release(&spec_type_oci_config, &c);
}

Test(engine, parse_file_names_the_file)
{
    struct oci_config c;
    keel_err err = {0};
    cr_assert_eq(spec_parse_file(&spec_type_oci_config, "data/no-such-config.json", &c, &err), -1);
    cr_assert_str_eq(err.msg, "open data/no-such-config.json: No such file or directory");
    cr_assert_eq(err.errnum, ENOENT);
    cr_assert_eq(spec_parse_file(&spec_type_oci_config, "data", &c, &err), -1);
    cr_assert_str_eq(err.msg, "data: not a regular file");
    cr_assert_eq(spec_parse_file(&spec_type_oci_config, "data/bad/fraction.oci_config.json", &c, &err), -1);
    cr_assert_str_eq(err.msg, "data/bad/fraction.oci_config.json: linux.resources.cpu.shares: expected integer, got 1.5");
}

Test(engine, builders_for_maps_and_string_arrays)
{
    struct oci_config c = {0};
    cr_assert_eq(spec_map_set(&c.annotations_keys, &c.annotations, &c.annotations_len, "a", "1"), 0);
    cr_assert_eq(spec_map_set(&c.annotations_keys, &c.annotations, &c.annotations_len, "b", "2"), 0);
    cr_assert_eq(spec_map_set(&c.annotations_keys, &c.annotations, &c.annotations_len, "a", "3"), 0);
    cr_assert_eq(c.annotations_len, 2);
    cr_assert_str_eq(spec_map_get(c.annotations_keys, c.annotations, c.annotations_len, "a"), "3");
    cr_assert_null(spec_map_get(c.annotations_keys, c.annotations, c.annotations_len, "c"));
    c.process = calloc(1, sizeof *c.process);
    cr_assert_not_null(c.process);
    cr_assert_eq(spec_strs_append(&c.process->args, &c.process->args_len, "sh"), 0);
    cr_assert_eq(spec_strs_append(&c.process->args, &c.process->args_len, "-c"), 0);
    keel_err err = {0};
    char *out = spec_generate(&spec_type_oci_config, &c, false, NULL, &err);
    cr_assert_str_eq(out, "{\"process\":{\"args\":[\"sh\",\"-c\"]},\"annotations\":{\"a\":\"3\",\"b\":\"2\"}}");
    free(out);
    spec_release(&spec_type_oci_config, &c);
    cr_assert_null(c.process);
}
