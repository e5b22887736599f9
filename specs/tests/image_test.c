/* The image-spec, Docker and registry types: shapes the spec examples do not cover. */
#include <criterion/criterion.h>
#include <string.h>

#include "keel/distribution.h"
#include "keel/image_spec.h"

#define PARSE(type, doc, out, err) spec_parse(&spec_type_##type, doc, strlen(doc), "doc.json", out, err)

Test(image, docker_save_manifest_is_a_top_level_array)
{
    static const char doc[] =
        "[{\"Config\":\"abc.json\",\"RepoTags\":[\"busybox:latest\"],\"Layers\":[\"l1/layer.tar\",\"l2/layer.tar\"],"
        "\"LayerSources\":{\"sha256:aa\":{\"mediaType\":\"" DOCKER_MEDIA_LAYER_FOREIGN_GZIP "\",\"size\":5,"
        "\"digest\":\"sha256:bb\",\"urls\":[\"https://example.com/l\"]}}},{\"Config\":\"def.json\",\"RepoTags\":null,"
        "\"Layers\":[]}]";
    struct docker_save_manifest m;
    keel_err err = {0};
    cr_assert_eq(PARSE(docker_save_manifest, doc, &m, &err), 0, "%s", err.msg);
    cr_assert_eq(m.entries_len, 2);
    cr_assert_str_eq(m.entries[0].Layers[1], "l2/layer.tar");
    cr_assert_str_eq(m.entries[0].LayerSources_keys[0], "sha256:aa");
    cr_assert_eq(m.entries[0].LayerSources[0].size, 5);
    cr_assert_null(m.entries[1].RepoTags);
    cr_assert_not_null(m.entries[1].Layers);
    cr_assert_eq(m.entries[1].Layers_len, 0);
    char *out = spec_generate(&spec_type_docker_save_manifest, &m, false, NULL, &err);
    cr_assert_not_null(out, "%s", err.msg);
    cr_assert_eq(out[0], '[');
    struct docker_save_manifest again;
    cr_assert_eq(PARSE(docker_save_manifest, out, &again, &err), 0, "%s", err.msg);
    cr_assert(spec_equal(&spec_type_docker_save_manifest, &m, &again));
    free(out);
    spec_release(&spec_type_docker_save_manifest, &again);
    spec_release(&spec_type_docker_save_manifest, &m);

    cr_assert_eq(PARSE(docker_save_manifest, "{\"Config\":\"x\"}", &m, &err), -1);
    cr_assert_str_eq(err.msg, "doc.json: (document): expected array, got object");
    cr_assert_eq(PARSE(docker_save_manifest, "[{\"Config\":1}]", &m, &err), -1);
    cr_assert_str_eq(err.msg, "doc.json: [0].Config: expected string, got number");
}

Test(image, exposed_ports_and_volumes_are_sets)
{
    static const char doc[] = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"ExposedPorts\":"
                              "{\"80/tcp\":{},\"53/udp\":{}},\"Volumes\":null,\"Cmd\":null,"
                              "\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":30000000000,\"Retries\":3}},"
                              "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
    struct oci_image_config c;
    keel_err err = {0};
    cr_assert_eq(PARSE(oci_image_config, doc, &c, &err), 0, "%s", err.msg);
    cr_assert_eq(c.config->ExposedPorts_len, 2);
    cr_assert_str_eq(c.config->ExposedPorts[1], "53/udp");
    cr_assert_null(c.config->Volumes);
    cr_assert_null(c.config->Cmd);
    cr_assert_eq(c.config->Healthcheck->Interval, 30000000000);
    spec_release(&spec_type_oci_image_config, &c);
    cr_assert_eq(PARSE(oci_image_config, "{\"config\":{\"ExposedPorts\":{\"80/tcp\":true}}}", &c, &err), -1);
    cr_assert_str_eq(err.msg, "doc.json: config.ExposedPorts[\"80/tcp\"]: expected object, got boolean");
}

Test(image, registry_error_body_skips_detail)
{
    static const char doc[] = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\","
                              "\"detail\":{\"Tag\":\"x\",\"n\":[1,2,{\"a\":null}]}},{\"code\":\"DENIED\",\"detail\":\"s\"}]}";
    struct dist_error_body b;
    keel_err err = {0};
    cr_assert_eq(PARSE(dist_error_body, doc, &b, &err), 0, "%s", err.msg);
    cr_assert_eq(b.errors_len, 2);
    cr_assert_str_eq(b.errors[0].code, "MANIFEST_UNKNOWN");
    cr_assert_str_eq(b.errors[0].message, "manifest unknown");
    cr_assert_null(b.errors[1].message);
    spec_release(&spec_type_dist_error_body, &b);
}

Test(image, docker_cli_config)
{
    static const char doc[] = "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"dTpw\"},\"r.example\":{\"identitytoken\":\"t\"}},"
                              "\"credsStore\":\"pass\",\"credHelpers\":{\"gcr.io\":\"gcloud\"},\"HttpHeaders\":{\"X\":\"y\"}}";
    struct docker_cli_config c;
    keel_err err = {0};
    cr_assert_eq(PARSE(docker_cli_config, doc, &c, &err), 0, "%s", err.msg);
    cr_assert_eq(c.auths_len, 2);
    cr_assert_str_eq(c.auths[0].auth, "dTpw");
    cr_assert_str_eq(c.auths[1].identitytoken, "t");
    cr_assert_str_eq(c.credsStore, "pass");
    cr_assert_str_eq(spec_map_get(c.credHelpers_keys, c.credHelpers, c.credHelpers_len, "gcr.io"), "gcloud");
    spec_release(&spec_type_docker_cli_config, &c);
}

Test(image, generate_keeping_unknown_members)
{
    static const char doc[] = "{\"auths\":{\"old\":{\"auth\":\"x\"}},\"HttpHeaders\":{\"X\":[1,true,null,\"s\\n\"]},"
                              "\"psFormat\":\"t\",\"n\":1.5e3}";
    struct docker_cli_config c;
    keel_err err = {0};
    cr_assert_eq(PARSE(docker_cli_config, doc, &c, &err), 0, "%s", err.msg);
    free(c.auths_keys[0]);
    c.auths_keys[0] = strdup("new");
    char *out = spec_generate_keeping(&spec_type_docker_cli_config, &c, doc, strlen(doc), false, NULL, &err);
    cr_assert_not_null(out, "%s", err.msg);
    cr_assert_str_eq(out, "{\"auths\":{\"new\":{\"auth\":\"x\"}},\"HttpHeaders\":{\"X\":[1,true,null,\"s\\n\"]},"
                          "\"psFormat\":\"t\",\"n\":1.5e3}");
    free(out);
    cr_assert_null(spec_generate_keeping(&spec_type_docker_cli_config, &c, "[1]", 3, false, NULL, &err));
    cr_assert(strstr(err.msg, "expected object") != NULL, "%s", err.msg);
    spec_release(&spec_type_docker_cli_config, &c);
}

Test(image, token_response)
{
    static const char doc[] = "{\"access_token\":\"a\",\"expires_in\":3600,\"issued_at\":\"2009-11-10T23:00:00Z\"}";
    struct dist_token_response t;
    keel_err err = {0};
    cr_assert_eq(PARSE(dist_token_response, doc, &t, &err), 0, "%s", err.msg);
    cr_assert_null(t.token);
    cr_assert_str_eq(t.access_token, "a");
    cr_assert_eq(t.expires_in, 3600);
    spec_release(&spec_type_dist_token_response, &t);
}
