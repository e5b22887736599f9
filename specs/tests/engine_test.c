/* The JSON engine on the runtime config: types, presence, errors. */
#include <criterion/criterion.h>
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
