/* The container process' capabilities (see capabilities.h). */
#include "capabilities.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "log.h"

#define CAP_BITS 64

/* Marks each named capability in set[]; unknown names are skipped with a
 * warning as runc does, so that configs written for newer kernels still run. */
static void caps_mark(char **names, size_t n, const char *field, bool set[CAP_BITS])
{
    int max = (int)cap_max_bits();
    for (size_t i = 0; i < n; i++) {
        cap_value_t v;
        if (cap_from_name(names[i], &v) < 0 || v < 0 || v >= max || v >= CAP_BITS) {
            log_warn("process.capabilities.%s[%zu]: unknown capability %s, ignored", field, i, names[i]);
            continue;
        }
        set[v] = true;
    }
}

int caps_apply_bounding(const struct oci_capabilities *c, keel_err *err)
{
    bool keep[CAP_BITS] = {false};
    caps_mark(c->bounding, c->bounding_len, "bounding", keep);
    int max = (int)cap_max_bits();
    for (int v = 0; v < max && v < CAP_BITS; v++) {
        if (keep[v] || prctl(PR_CAPBSET_READ, v, 0, 0, 0) != 1)
            continue;
        if (prctl(PR_CAPBSET_DROP, v, 0, 0, 0) < 0)
            return keel_syserror(err, "drop capability %d from the bounding set", v);
    }
    return 0;
}

int caps_raise_effective(int cap, keel_err *err)
{
    if (cap < 0)
        return 0;
    cap_t caps = cap_get_proc();
    if (caps == NULL)
        return keel_syserror(err, "read capabilities");
    cap_value_t v = cap;
    int r = cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
    if (r == 0)
        r = cap_set_proc(caps);
    int saved = errno;
    cap_free(caps);
    return r < 0 ? keel_error(err, saved, "raise capability %d", cap) : 0;
}

int caps_apply(const struct oci_capabilities *c, int extra, keel_err *err)
{
    bool eff[CAP_BITS] = {false}, perm[CAP_BITS] = {false}, inh[CAP_BITS] = {false}, amb[CAP_BITS] = {false};
    caps_mark(c->effective, c->effective_len, "effective", eff);
    caps_mark(c->permitted, c->permitted_len, "permitted", perm);
    if (extra >= 0 && extra < CAP_BITS)
        eff[extra] = perm[extra] = true;
    caps_mark(c->inheritable, c->inheritable_len, "inheritable", inh);
    caps_mark(c->ambient, c->ambient_len, "ambient", amb);
    cap_t caps = cap_init();
    if (caps == NULL)
        return keel_syserror(err, "cap_init");
    int max = (int)cap_max_bits();
    for (cap_value_t v = 0; v < max && v < CAP_BITS; v++) {
        if (eff[v])
            cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
        if (perm[v])
            cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET);
        if (inh[v])
            cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET);
    }
    int r = cap_set_proc(caps);
    int saved = errno;
    cap_free(caps);
    if (r < 0)
        return keel_error(err, saved, "set capabilities");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return keel_syserror(err, "clear ambient capabilities");
    for (cap_value_t v = 0; v < max && v < CAP_BITS; v++) {
        if (!amb[v])
            continue;
        /* the kernel refuses an ambient capability that is not permitted and inheritable */
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0) {
            char *name = cap_to_name(v);
            log_debug("process.capabilities.ambient: cannot raise %s: %s", name != NULL ? name : "?", strerror(errno));
            cap_free(name);
        }
    }
    return 0;
}

char **caps_all_names(keel_err *err)
{
    int max = (int)cap_max_bits();
    char **names = calloc((size_t)max + 1, sizeof *names);
    if (names == NULL) {
        keel_error(err, ENOMEM, "capabilities");
        return NULL;
    }
    for (cap_value_t v = 0; v < max; v++) {
        char *n = cap_to_name(v);
        if (n == NULL || (names[v] = strdup(n)) == NULL) {
            cap_free(n);
            for (int i = 0; i < v; i++)
                free(names[i]);
            free(names);
            keel_error(err, ENOMEM, "capabilities");
            return NULL;
        }
        cap_free(n);
        for (char *p = names[v]; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        /* libcap names unnamed bits by number: keep those as the kernel's CAP_<n> */
        if (strncmp(names[v], "CAP_", 4) != 0) {
            char *full;
            if (asprintf(&full, "CAP_%s", names[v]) >= 0) {
                free(names[v]);
                names[v] = full;
            }
        }
    }
    return names;
}
