/* docker's config.json: credentials read back (auths and credential
 * helpers), login's edits written with the file's other keys kept. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docker_config.h"
#include "keel/cleanup.h"
#include "keel/fsutil.h"
#include "util.h"

Test(docker_config, creds_from_auths)
{
    char dir[] = "/tmp/keel-auth-test-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    cleanup_free char *path = path_join(dir, "/config.json");
    FILE *f = fopen(path, "w");
    /* "bob:hunter2" and an entry with username/password */
    fputs("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"Ym9iOmh1bnRlcjI=\"},"
          "\"http://127.0.0.1:5000\":{\"username\":\"u\",\"password\":\"p\"},"
          "\"bad.example\":{\"auth\":\"%%%\"}}}", f);
    fclose(f);
    setenv("DOCKER_CONFIG", dir, 1);
    keel_err err = {0};
    struct auth_creds c;
    bool found;
    cr_assert_eq(docker_config_creds("docker.io", &c, &found, &err), 0, "%s", err.msg);
    cr_assert(found);
    cr_assert_str_eq(c.user, "bob");
    cr_assert_str_eq(c.pass, "hunter2");
    auth_creds_release(&c);
    cr_assert_eq(docker_config_creds("127.0.0.1:5000", &c, &found, &err), 0, "%s", err.msg);
    cr_assert(found);
    cr_assert_str_eq(c.user, "u");
    auth_creds_release(&c);
    cr_assert_eq(docker_config_creds("127.0.0.1:5001", &c, &found, &err), 0);
    cr_assert_not(found);
    cr_assert_eq(docker_config_creds("bad.example", &c, &found, &err), -1);
    cr_assert(strstr(err.msg, "not base64") != NULL, "%s", err.msg);
    setenv("DOCKER_CONFIG", "/nonexistent-keel", 1);
    cr_assert_eq(docker_config_creds("docker.io", &c, &found, &err), 0, "%s", err.msg);
    cr_assert_not(found);
    remove_tree(dir, NULL);
}

Test(docker_config, server_keys_and_domains)
{
    cr_assert_str_eq(docker_config_server_key("docker.io"), "https://index.docker.io/v1/");
    cr_assert_str_eq(docker_config_server_key("127.0.0.1:5000"), "127.0.0.1:5000");
    const char *in[][2] = {
        {"https://index.docker.io/v1/", "docker.io"}, {"registry-1.docker.io", "docker.io"},
        {"http://127.0.0.1:5000", "127.0.0.1:5000"}, {"quay.io/some/path", "quay.io"},
        {"[::1]:5000", "[::1]:5000"},
    };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        cleanup_free char *d = docker_config_domain(in[i][0]);
        cr_assert_str_eq(d, in[i][1], "%s", in[i][0]);
    }
}

static char *tmp_config(char *dir, const char *json)
{
    cr_assert_not_null(mkdtemp(dir));
    char *path = path_join(dir, "/config.json");
    if (json != NULL) {
        FILE *f = fopen(path, "w");
        fputs(json, f);
        fclose(f);
    }
    setenv("DOCKER_CONFIG", dir, 1);
    return path;
}

Test(docker_config, login_edit_keeps_other_keys)
{
    char dir[] = "/tmp/keel-dcfg-test-XXXXXX";
    cleanup_free char *path = tmp_config(dir, "{\"psFormat\":\"{{.ID}}\",\"proxies\":{\"default\":"
                                              "{\"httpProxy\":\"x\"}},\"auths\":{\"http://h:1\":"
                                              "{\"auth\":\"YTpi\"},\"keep.example\":{\"auth\":\"Yzpk\"}}}");
    keel_err err = {0};
    struct docker_config c;
    cr_assert_eq(docker_config_read(&c, &err), 0, "%s", err.msg);
    struct auth_creds alice = {.user = "alice", .pass = "s3:cret"};
    /* replaces the "http://h:1" spelling of the same registry */
    cr_assert_eq(docker_config_set_auth(&c, "h:1", &alice, &err), 0, "%s", err.msg);
    cr_assert_eq(docker_config_write(&c, &err), 0, "%s", err.msg);
    docker_config_release(&c);

    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0600);
    cleanup_free char *text = NULL;
    size_t len;
    cr_assert_eq(read_file(path, 1 << 20, &text, &len, &err), 0);
    cr_assert(strstr(text, "\"psFormat\": \"{{.ID}}\"") != NULL, "%s", text);
    cr_assert(strstr(text, "\"httpProxy\": \"x\"") != NULL, "%s", text);
    cr_assert(strstr(text, "http://h:1") == NULL, "%s", text);
    cr_assert(strstr(text, "\"keep.example\"") != NULL, "%s", text);
    /* base64("alice:s3:cret") */
    cr_assert(strstr(text, "\"h:1\": {\n      \"auth\": \"YWxpY2U6czM6Y3JldA==\"") != NULL, "%s", text);

    struct auth_creds got;
    bool found;
    cr_assert_eq(docker_config_creds("h:1", &got, &found, &err), 0, "%s", err.msg);
    cr_assert(found);
    cr_assert_str_eq(got.pass, "s3:cret");
    auth_creds_release(&got);

    cr_assert_eq(docker_config_read(&c, &err), 0, "%s", err.msg);
    cr_assert_eq(docker_config_remove_auth(&c, "h:1", &found, &err), 0);
    cr_assert(found);
    cr_assert_eq(docker_config_remove_auth(&c, "h:1", &found, &err), 0);
    cr_assert_not(found);
    cr_assert_eq(docker_config_write(&c, &err), 0, "%s", err.msg);
    docker_config_release(&c);
    cr_assert_eq(docker_config_creds("h:1", &got, &found, &err), 0, "%s", err.msg);
    cr_assert_not(found);
    cr_assert_eq(docker_config_creds("keep.example", &got, &found, &err), 0, "%s", err.msg);
    cr_assert(found);
    auth_creds_release(&got);
    remove_tree(dir, NULL);
}

Test(docker_config, new_file_and_helpers)
{
    char dir[] = "/tmp/keel-dcfg-test-XXXXXX";
    cleanup_free char *path = tmp_config(dir, NULL);
    keel_err err = {0};
    struct docker_config c;
    cr_assert_eq(docker_config_read(&c, &err), 0, "%s", err.msg);
    cr_assert_null(c.raw);
    cr_assert_null(docker_config_helper(&c, "h:1"));
    cr_assert_eq(docker_config_set_auth(&c, "h:1", NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(docker_config_write(&c, &err), 0, "%s", err.msg);
    docker_config_release(&c);
    cleanup_free char *text = NULL;
    size_t len;
    cr_assert_eq(read_file(path, 1 << 20, &text, &len, &err), 0);
    cr_assert(strncmp(text, "{\n  \"auths\": {\n    \"h:1\": {", 22) == 0, "%s", text);
    cr_assert(strstr(text, "auth\"") == NULL, "%s", text);

    FILE *f = fopen(path, "w");
    fputs("{\"credsStore\":\"desktop\",\"credHelpers\":{\"gcr.io\":\"gcloud\"}}", f);
    fclose(f);
    cr_assert_eq(docker_config_read(&c, &err), 0, "%s", err.msg);
    cr_assert_str_eq(docker_config_helper(&c, "gcr.io"), "gcloud");
    cr_assert_str_eq(docker_config_helper(&c, "h:1"), "desktop");
    docker_config_release(&c);
    remove_tree(dir, NULL);
}
