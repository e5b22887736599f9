/* The registry options pull and push share (registry_options.h). */
#include "registry_options.h"

bool registry_option(int c, struct registry_opts *r, bool *quiet)
{
    switch (c) {
    case 'c':
        r->creds = optarg;
        return true;
    case 'k':
        r->insecure = true;
        return true;
    case 'q':
        *quiet = true;
        return true;
    default:
        return false;
    }
}
