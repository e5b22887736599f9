/* Placeholder until the component's own unit tests land: the library links. */
#include <criterion/criterion.h>
#include <string.h>

#include "version.h"

Test(version, is_set)
{
    cr_assert_gt(strlen(keel_runtime_version), 0);
}
