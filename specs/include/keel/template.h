/* Go's text/template, the subset docker users write in --format and
 * inspect -f, executed over JSON documents; and docker's formatter on top of
 * it (one template per row, the `table` directive, tabwriter columns). */
#ifndef KEEL_TEMPLATE_H
#define KEEL_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "keel/error.h"

struct keel_template;

/* Parses src; errors read as Go's ("template: :1: unexpected EOF"). */
int keel_template_parse(const char *src, struct keel_template **out, keel_err *err);
void keel_template_free(struct keel_template *t);

/* Executes t with the JSON document json as dot; the text is appended to
 * *buf (malloc'd, NUL-terminated, *len bytes). With header set, docker's
 * header mode: dot is a map of field names to column titles and the
 * formatting functions return their argument unchanged. */
int keel_template_exec(const struct keel_template *t, const char *json, size_t json_len,
                       bool header, char **buf, size_t *len, keel_err *err);

/* docker's formatter: each element of the JSON array rows through format,
 * each followed by a newline. "table FORMAT" puts a header line first (FORMAT
 * executed over header, a JSON object of field -> title) and aligns the
 * tab-separated cells as docker's tabwriter (minimum width 10, padding 3).
 * The result is malloc'd in *out. */
int keel_format(const char *format, const char *rows, size_t rows_len, const char *header,
                char **out, size_t *out_len, keel_err *err);

/* Go's text/tabwriter with docker's settings over text: cells end at a tab,
 * a column is as wide as its widest cell plus padding (at least minwidth). */
char *keel_tabwriter(const char *text, size_t len, size_t minwidth, size_t padding,
                     size_t *out_len);

#endif
