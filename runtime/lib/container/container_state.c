/* state (runtime.md "state"): the spec's state object plus runc's extras. */
#include "container.h"
#include "state.h"
#include "util.h"

int container_print_state(const char *root, const char *id, FILE *out, keel_err *err)
{
    cleanup_container struct container c = CONTAINER_INIT;
    if (container_open(root, id, &c, err) < 0)
        return -1;
    cleanup_free char *json = container_state_json(&c, container_status(&c), true, err);
    if (json == NULL)
        return -1;
    fprintf(out, "%s\n", json);
    return 0;
}
