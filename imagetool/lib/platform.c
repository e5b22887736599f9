/* Platform names as Go's GOOS/GOARCH, which images use. */
#include "platform.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

int platform_parse(const char *s, struct platform *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    char extra[2];
    int n = sscanf(s, "%31[^/]/%71[^/]/%31[^/]%1s", out->os, out->arch, out->variant, extra);
    if (n < 2 || n > 3 || strlen(s) > 3 * 32)
        return keel_error(err, 0, "invalid platform \"%s\" (want OS/ARCH[/VARIANT])", s);
    return 0;
}

void platform_host(struct platform *out)
{
    static const struct {
        const char *machine, *arch, *variant;
    } names[] = {
        {"x86_64", "amd64", ""},   {"aarch64", "arm64", "v8"}, {"armv7l", "arm", "v7"},
        {"armv6l", "arm", "v6"},   {"i686", "386", ""},        {"i386", "386", ""},
        {"ppc64le", "ppc64le", ""}, {"s390x", "s390x", ""},    {"riscv64", "riscv64", ""},
    };
    struct utsname u;
    memset(out, 0, sizeof *out);
    snprintf(out->os, sizeof out->os, "linux");
    if (uname(&u) < 0)
        snprintf(u.machine, sizeof u.machine, "x86_64");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(u.machine, names[i].machine) == 0) {
            snprintf(out->arch, sizeof out->arch, "%s", names[i].arch);
            snprintf(out->variant, sizeof out->variant, "%s", names[i].variant);
            return;
        }
    snprintf(out->arch, sizeof out->arch, "%s", u.machine);
}

static bool variant_equal(const char *arch, const char *a, const char *b)
{
    if (strcmp(arch, "arm64") == 0) {
        if (strcmp(a, "v8") == 0)
            a = "";
        if (strcmp(b, "v8") == 0)
            b = "";
    }
    return strcmp(a, b) == 0;
}

bool platform_matches(const struct platform *want, const struct oci_platform *have)
{
    if (have == NULL || have->os == NULL || have->architecture == NULL)
        return false;
    if (strcmp(want->os, have->os) != 0 || strcmp(want->arch, have->architecture) != 0)
        return false;
    if (want->variant[0] == '\0')
        return true;
    return variant_equal(want->arch, want->variant, have->variant ? have->variant : "");
}

const char *platform_string(const char *os, const char *arch, const char *variant, char *buf,
                            size_t len)
{
    snprintf(buf, len, "%s/%s%s%s", os ? os : "?", arch ? arch : "?",
             variant && variant[0] ? "/" : "", variant && variant[0] ? variant : "");
    return buf;
}
