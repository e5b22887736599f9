/* docker's formatter (cli/command/formatter): a template per row, each row
 * followed by a newline; "table" puts the header first and aligns the
 * columns (tabwriter, minimum width 10, padding 3); "\t" and "\n" written
 * as two characters in the format are a tab and a newline. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json_tree.h"
#include "keel/cleanup.h"
#include "template_internal.h"

/* The format as docker prepares it: "table" off, spaces trimmed, \t and \n. */
static char *prepare(const char *format, bool *table)
{
    *table = strncmp(format, "table", 5) == 0;
    if (*table)
        format += 5;
    while (*format == ' ')
        format++;
    char *out = strdup(format);
    if (out == NULL)
        return NULL;
    size_t n = strlen(out);
    while (n > 0 && out[n - 1] == ' ')
        out[--n] = '\0';
    char *w = out;
    for (const char *r = out; *r != '\0'; r++) {
        if (r[0] == '\\' && (r[1] == 't' || r[1] == 'n')) {
            *w++ = r[1] == 't' ? '\t' : '\n';
            r++;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return out;
}

static int append_nl(char **buf, size_t *len, keel_err *err)
{
    char *p = realloc(*buf, *len + 2);
    if (p == NULL)
        return keel_error(err, errno, "format");
    p[(*len)++] = '\n';
    p[*len] = '\0';
    *buf = p;
    return 0;
}

int keel_format(const char *format, const char *rows, size_t rows_len, const char *header,
                char **out, size_t *out_len, keel_err *err)
{
    *out = NULL;
    *out_len = 0;
    bool table = false;
    cleanup_free char *text = header != NULL ? prepare(format, &table) : strdup(format);
    if (text == NULL)
        return keel_error(err, errno, "format");
    struct keel_template *t;
    if (keel_template_parse(text, &t, err) < 0)
        return -1;
    struct jtree tree = {0}, head = {0};
    int rc = jtree_parse(&tree, rows, rows_len, "rows", false, err);
    if (rc == 0 && tree.root->type != J_ARRAY)
        rc = keel_error(err, 0, "rows: not a JSON array");
    char *buf = NULL;
    size_t len = 0;
    if (rc == 0 && table) {
        rc = jtree_parse(&head, header, strlen(header), "header", false, err);
        if (rc == 0)
            rc = template_exec_node(t, head.root, true, &buf, &len, err);
        if (rc == 0)
            rc = append_nl(&buf, &len, err);
    }
    for (const struct jnode *r = rc == 0 ? tree.root->first : NULL; r != NULL && rc == 0; r = r->next) {
        rc = template_exec_node(t, r, false, &buf, &len, err);
        if (rc == 0)
            rc = append_nl(&buf, &len, err);
    }
    keel_template_free(t);
    if (tree.root != NULL)
        jtree_free(&tree);
    if (head.root != NULL)
        jtree_free(&head);
    if (rc == 0 && table && buf != NULL) {
        size_t n;
        char *aligned = keel_tabwriter(buf, len, 10, 3, &n);
        free(buf);
        if (aligned == NULL)
            return keel_error(err, ENOMEM, "format");
        buf = aligned;
        len = n;
    }
    if (rc < 0) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = len;
    return 0;
}
