/* list: every container under --root, as runc prints them. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "state.h"
#include "util.h"

static void list_table_row(FILE *out, const struct oci_state *s)
{
    fprintf(out, "%-12s %-8d %-10s %-40s %-30s %s\n", s->id, s->pid, s->status,
            s->bundle != NULL ? s->bundle : "", s->created != NULL ? s->created : "",
            s->owner != NULL && *s->owner ? s->owner : "root");
}

/* Collects the state of every container that has a state.json. */
static int list_collect(const char *root, struct keel_state_list *list, keel_err *err)
{
    cleanup_dir DIR *d = opendir(root);
    if (d == NULL) {
        if (errno == ENOENT)
            return 0;
        return keel_syserror(err, "open %s", root);
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || state_validate_id(de->d_name, NULL) < 0)
            continue;
        cleanup_container struct container c = CONTAINER_INIT;
        keel_err ignored;
        if (container_peek(root, de->d_name, &c, &ignored) < 0)
            continue;
        struct oci_state *grown = realloc(list->items, (list->items_len + 1) * sizeof *grown);
        if (grown == NULL)
            return keel_error(err, ENOMEM, "list");
        list->items = grown;
        int r = container_oci_state(&c, container_status(&c), &list->items[list->items_len], err);
        if (r < 0)
            return -1;
        list->items_len++;
    }
    return 0;
}

int container_list(const char *root, enum list_format f, bool quiet, FILE *out, keel_err *err)
{
    struct keel_state_list list = {0};
    int r = list_collect(root, &list, err);
    if (r == 0 && quiet) {
        for (size_t i = 0; i < list.items_len; i++)
            fprintf(out, "%s\n", list.items[i].id);
    } else if (r == 0 && f == LIST_JSON) {
        char *json = spec_generate(&spec_type_keel_state_list, &list, false, NULL, err);
        if (json == NULL)
            r = -1;
        else
            fprintf(out, "%s\n", json);
        free(json);
    } else if (r == 0) {
        fprintf(out, "%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
        for (size_t i = 0; i < list.items_len; i++)
            list_table_row(out, &list.items[i]);
    }
    spec_release(&spec_type_keel_state_list, &list);
    return r;
}
