/* How long the runtime's start path spends on config.json: parse + validate +
 * release of one document, averaged over many calls (best of several rounds),
 * from memory and from the file. CPU time of this thread, so that a busy
 * machine (parallel builds) does not inflate it. Not a test: `make
 * bench-specs` prints it.
 *   parse-bench [config.json] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "keel/cleanup.h"
#include "keel/runtime_spec.h"

#define ROUNDS 7
#define CALLS 2000

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* One call: from the file when buf is NULL. */
static int one(const char *path, const char *buf, size_t len, keel_err *err)
{
    struct oci_config c;
    int r = buf ? spec_parse(&spec_type_oci_config, buf, len, path, &c, err)
                : spec_parse_file(&spec_type_oci_config, path, &c, err);
    if (r == 0) {
        r = oci_config_validate(&c, path, err);
        spec_release(&spec_type_oci_config, &c);
    }
    return r;
}

static int best_of(const char *path, const char *buf, size_t len, double *best)
{
    keel_err err = {0};
    *best = 1e30;
    for (int round = 0; round < ROUNDS; round++) {
        double start = now_us();
        for (int i = 0; i < CALLS; i++)
            if (one(path, buf, len, &err) < 0) {
                fprintf(stderr, "parse-bench: %s\n", err.msg);
                return -1;
            }
        double per_call = (now_us() - start) / CALLS;
        if (per_call < *best)
            *best = per_call;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "specs/tests/data/runc-spec-config.json";
    cleanup_fclose FILE *f = fopen(path, "rbe");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    static char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf, f);
    double mem, file;
    if (best_of(path, buf, len, &mem) < 0 || best_of(path, NULL, 0, &file) < 0)
        return 1;
    printf("%s (%zu bytes): parse+validate+release %.1f us from memory, %.1f us from the file "
           "(CPU time, best of %d rounds of %d calls)\n", path, len, mem, file, ROUNDS, CALLS);
    return 0;
}
