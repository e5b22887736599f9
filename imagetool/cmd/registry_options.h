/* The options pull and push share: --creds USER:PASS, --insecure, -q/--quiet. */
#ifndef KEEL_IMAGE_CMD_REGISTRY_OPTIONS_H
#define KEEL_IMAGE_CMD_REGISTRY_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>

#include "registry.h"

/* Entries for a getopt_long table (with "+q" as the short options). */
#define REGISTRY_LONG_OPTIONS                                                                     \
    {"creds", required_argument, NULL, 'c'}, {"insecure", no_argument, NULL, 'k'},                \
        {"quiet", no_argument, NULL, 'q'}

/* Applies getopt's c (with optarg) when it is one of these: true; else false. */
bool registry_option(int c, struct registry_opts *r, bool *quiet);

#endif
