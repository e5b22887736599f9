/* keel-format [--header JSON] FORMAT: formats the JSON array on stdin as
 * docker does. With --header (a JSON object: field -> column title) it is
 * docker's --format for lists ("table ..." aligned under a header, \t and \n
 * escapes); without, inspect -f's: the template once per element. Each
 * element's text is followed by a newline. A template that does not parse
 * exits 64 (docker inspect's status), one that fails while it runs 1. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keel/template.h"

static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) {
            if (ferror(f)) {
                free(buf);
                return NULL;
            }
            *len = n;
            return buf;
        }
        char *grown = realloc(buf, cap *= 2);
        if (grown == NULL)
            free(buf);
        buf = grown;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const char *header = NULL;
    int i = 1;
    if (argc > 2 && strcmp(argv[1], "--header") == 0) {
        header = argv[2];
        i = 3;
    }
    if (argc - i != 1) {
        fprintf(stderr, "usage: keel-format [--header JSON] FORMAT < ROWS.json\n");
        return 2;
    }
    size_t len;
    char *rows = read_all(stdin, &len);
    if (rows == NULL) {
        fprintf(stderr, "keel-format: read stdin: %s\n", strerror(errno));
        return 1;
    }
    keel_err err = {0};
    char *out;
    size_t out_len;
    int rc = keel_format(argv[i], rows, len, header, &out, &out_len, &err);
    free(rows);
    if (rc < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return strstr(err.msg, ": executing") != NULL ? 1 : 64;
    }
    fwrite(out, 1, out_len, stdout);
    free(out);
    return fflush(stdout) == 0 ? 0 : 1;
}
