/* Stages, their bases and the edges between them; what a target needs. */
#include "stages.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keel/cleanup.h"

int build_plan_find(const struct build_plan *p, const char *ref, size_t before)
{
    for (size_t i = 0; i < before && i < p->n; i++)
        if (p->v[i].name != NULL && strcasecmp(p->v[i].name, ref) == 0)
            return (int)i;
    char *end;
    long n = strtol(ref, &end, 10);
    if (ref[0] != '\0' && *end == '\0' && n >= 0 && (size_t)n < before && (size_t)n < p->n)
        return (int)n;
    return -1;
}

static bool valid_name(const char *s)
{
    if (!isalpha((unsigned char)s[0]))
        return false;
    for (; *s != '\0'; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
            return false;
    return true;
}

static int parse_from(const struct df_instr *in, const char *file, const struct subst *globals,
                      struct build_stage *st, keel_err *err)
{
    static const char *const allowed[] = {"platform", NULL};
    if (df_flags_check(in, allowed, file, err) < 0)
        return -1;
    cleanup_strv char **w = NULL;
    size_t n;
    if (split_raw_words(in->rest, '\\', &w, &n, err) < 0)
        return -1;
    if (n != 1 && !(n == 3 && strcasecmp(w[1], "as") == 0))
        return keel_error(err, 0, "%s:%d: FROM requires either one or three arguments", file,
                          in->line);
    if (subst_word(globals, w[0], &st->base, err) < 0)
        return keel_error_wrap(err, "%s:%d", file, in->line);
    if (st->base[0] == '\0')
        return keel_error(err, 0, "%s:%d: base name (%s) should not be blank", file, in->line,
                          w[0]);
    const char *platform = df_flag(in, "platform");
    if (platform != NULL && subst_word(globals, platform, &st->platform, err) < 0)
        return keel_error_wrap(err, "%s:%d", file, in->line);
    if (n == 3) {
        if (!valid_name(w[2]))
            return keel_error(err, 0, "%s:%d: invalid name for build stage: \"%s\", name can't start with a number or contain symbols",
                              file, in->line, w[2]);
        if ((st->name = strdup(w[2])) == NULL)
            return keel_syserror(err, "%s", file);
        for (char *c = st->name; *c != '\0'; c++)
            *c = (char)tolower((unsigned char)*c);
    }
    return 0;
}

/* The stage a --from= value or a --mount's from= names, if any. */
static const char *from_ref(const struct df_instr *in, char *buf, size_t size)
{
    const char *f = df_flag(in, "from");
    if (f != NULL && (strcmp(in->keyword, "copy") == 0 || strcmp(in->keyword, "add") == 0))
        return f;
    const char *m = df_flag(in, "mount");
    if (m == NULL || strcmp(in->keyword, "run") != 0)
        return NULL;
    for (const char *p = m; *p != '\0';) {
        size_t l = strcspn(p, ",");
        if (strncmp(p, "from=", 5) == 0 && l - 5 < size) {
            memcpy(buf, p + 5, l - 5);
            buf[l - 5] = '\0';
            return buf;
        }
        p += l + (p[l] == ',');
    }
    return NULL;
}

static void mark_needed(struct build_plan *p, const struct dockerfile *df, size_t i)
{
    if (p->v[i].needed)
        return;
    p->v[i].needed = true;
    if (p->v[i].base_stage >= 0)
        mark_needed(p, df, (size_t)p->v[i].base_stage);
    for (size_t k = p->v[i].from + 1; k < p->v[i].end; k++) {
        char buf[256];
        const char *ref = from_ref(&df->v[k], buf, sizeof buf);
        int dep = ref != NULL ? build_plan_find(p, ref, i) : -1;
        if (dep >= 0)
            mark_needed(p, df, (size_t)dep);
    }
}

static int split_stages(const struct dockerfile *df, const char *file, const struct subst *globals,
                        struct build_plan *p, keel_err *err)
{
    for (size_t k = 0; k < df->n; k++) {
        const struct df_instr *in = &df->v[k];
        if (strcmp(in->keyword, "from") != 0) {
            if (p->n == 0 && strcmp(in->keyword, "arg") != 0)
                return keel_error(err, 0, "%s:%d: no build stage in current context", file,
                                  in->line);
            if (p->n > 0)
                p->v[p->n - 1].end = k + 1;
            continue;
        }
        struct build_stage *v = realloc(p->v, (p->n + 1) * sizeof *v);
        if (v == NULL)
            return keel_syserror(err, "%s", file);
        p->v = v;
        struct build_stage *st = &v[p->n++];
        *st = (struct build_stage){.from = k, .end = k + 1, .base_stage = -1};
        if (parse_from(in, file, globals, st, err) < 0)
            return -1;
        if (st->name != NULL && build_plan_find(p, st->name, p->n - 1) >= 0)
            return keel_error(err, 0, "%s:%d: duplicate stage name \"%s\"", file, in->line,
                              st->name);
        st->base_stage = build_plan_find(p, st->base, p->n - 1);
        if (st->base_stage >= 0 && p->v[st->base_stage].name == NULL)
            st->base_stage = -1; /* FROM takes a stage by name only */
    }
    if (p->n == 0)
        return keel_error(err, 0, "%s: no build stage in current context", file);
    return 0;
}

int build_plan_make(const struct dockerfile *df, const char *file, const struct subst *globals,
                    const char *target, struct build_plan *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    if (split_stages(df, file, globals, out, err) < 0) {
        build_plan_release(out);
        return -1;
    }
    out->target = out->n - 1;
    if (target != NULL) {
        int t = -1;
        for (size_t i = 0; i < out->n && t < 0; i++)
            if (out->v[i].name != NULL && strcasecmp(out->v[i].name, target) == 0)
                t = (int)i;
        if (t < 0) {
            build_plan_release(out);
            return keel_error(err, 0, "target stage \"%s\" could not be found", target);
        }
        out->target = (size_t)t;
    }
    mark_needed(out, df, out->target);
    return 0;
}

void build_plan_release(struct build_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].name);
        free(p->v[i].base);
        free(p->v[i].platform);
    }
    free(p->v);
    memset(p, 0, sizeof *p);
}
