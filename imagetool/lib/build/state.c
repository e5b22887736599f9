/* Variables in scope, the stage's env and history, its cache key chain, and
 * docker's plain progress output. */
#include "state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keel/cleanup.h"

int vars_find(const struct vars *v, const char *name)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->names[i], name) == 0)
            return (int)i;
    return -1;
}

int vars_set(struct vars *v, const char *name, const char *value)
{
    char *val = NULL;
    if (value != NULL && (val = strdup(value)) == NULL)
        return -1;
    int i = vars_find(v, name);
    if (i >= 0) {
        free(v->values[i]);
        v->values[i] = val;
        return 0;
    }
    char **names = realloc(v->names, (v->n + 1) * sizeof *names);
    if (names != NULL)
        v->names = names;
    char **values = names != NULL ? realloc(v->values, (v->n + 1) * sizeof *values) : NULL;
    if (values != NULL)
        v->values = values;
    if (values == NULL || (v->names[v->n] = strdup(name)) == NULL) {
        free(val);
        return -1;
    }
    v->values[v->n++] = val;
    return 0;
}

void vars_release(struct vars *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->names[i]);
        free(v->values[i]);
    }
    free(v->names);
    free(v->values);
    memset(v, 0, sizeof *v);
}

const char *stage_env(const struct stage_image *st, const char *name)
{
    const struct oci_image_exec_config *c = st->cfg.config;
    size_t l = strlen(name);
    for (size_t i = c->Env_len; i-- > 0;)
        if (strncmp(c->Env[i], name, l) == 0 && c->Env[i][l] == '=')
            return c->Env[i] + l + 1;
    return NULL;
}

int stage_env_set(struct stage_image *st, const char *name, const char *value)
{
    struct oci_image_exec_config *c = st->cfg.config;
    char *kv;
    if (asprintf(&kv, "%s=%s", name, value) < 0)
        return -1;
    size_t l = strlen(name);
    for (size_t i = 0; i < c->Env_len; i++)
        if (strncmp(c->Env[i], name, l) == 0 && c->Env[i][l] == '=') {
            free(c->Env[i]);
            c->Env[i] = kv;
            return 0;
        }
    int rc = spec_strs_append(&c->Env, &c->Env_len, kv);
    free(kv);
    return rc;
}

static const char *lookup(void *ctx, const char *name)
{
    struct builder *b = ctx;
    const struct stage_image *st = &b->stages[b->cur];
    const char *v = stage_env(st, name);
    if (v != NULL)
        return v;
    int i = vars_find(&st->args, name);
    return i >= 0 ? st->args.values[i] : NULL;
}

struct subst builder_subst(struct builder *b)
{
    return (struct subst){.escape = b->df.escape, .lookup = lookup, .ctx = b};
}

int stage_history(struct builder *b, struct stage_image *st, const char *created_by,
                  bool empty_layer, keel_err *err)
{
    struct oci_image_config *c = &st->cfg;
    struct oci_image_history *v = realloc(c->history, (c->history_len + 1) * sizeof *v);
    if (v == NULL)
        return keel_syserror(err, "history");
    c->history = v;
    struct oci_image_history *h = &v[c->history_len++];
    *h = (struct oci_image_history){.empty_layer = empty_layer, .has_empty_layer = empty_layer};
    h->created = strdup(b->created);
    h->created_by = strdup(created_by);
    h->comment = strdup("buildkit.dockerfile.v0");
    if (h->created == NULL || h->created_by == NULL || h->comment == NULL)
        return keel_syserror(err, "history");
    return 0;
}

void stage_key_add(struct stage_image *st, const char *text, size_t len)
{
    keel_err ignored;
    struct digester *d = digester_new(&ignored);
    if (d == NULL) {
        st->key[0] = '\0'; /* no key: never a cache hit, a step still runs */
        return;
    }
    digester_update(d, st->key, strlen(st->key) + 1);
    digester_update(d, text, len);
    digester_final(d, st->key);
    digester_free(d);
}

void progress_step(struct builder *b, const char *text)
{
    b->step++;
    if (b->o->progress == NULL)
        return;
    const char *name = b->plan.v[b->cur].name;
    char stage[96] = "";
    if (b->plan.n > 1)
        snprintf(stage, sizeof stage, "%s ", name != NULL ? name : "stage");
    if (b->plan.n > 1 && name == NULL)
        snprintf(stage, sizeof stage, "stage-%zu ", b->cur);
    fprintf(b->o->progress, "#%d [%s%zu/%zu] %s\n", b->step, stage, b->pos, b->count, text);
    fflush(b->o->progress);
}

void progress_line(struct builder *b, const char *fmt, ...)
{
    if (b->o->progress == NULL)
        return;
    fprintf(b->o->progress, "#%d ", b->step);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(b->o->progress, fmt, ap);
    va_end(ap);
    fflush(b->o->progress);
}

void progress_done(struct builder *b, bool cached, double seconds)
{
    if (b->o->progress == NULL)
        return;
    if (cached)
        fprintf(b->o->progress, "#%d CACHED\n\n", b->step);
    else
        fprintf(b->o->progress, "#%d DONE %.1fs\n\n", b->step, seconds);
    fflush(b->o->progress);
}
