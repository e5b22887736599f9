/* Resolving an image's Config.User ("user[:group]", names or ids) through the
 * container's own /etc/passwd and /etc/group (conversion.md, Config.User). */
#ifndef KEEL_IMAGETOOL_PASSWD_H
#define KEEL_IMAGETOOL_PASSWD_H

#include "keel/error.h"
#include "keel/runtime_spec.h"

/* Fills user's uid, gid and additionalGids from `spec` ("" or NULL is root),
 * reading etc/passwd and etc/group under rootfd (resolved inside it). A name
 * that is not in the files is an error; additional groups are set only when
 * the user is given by name (or is the default) and no group is given. *home
 * gets the user's home directory ("/" when unknown; caller frees). */
int user_resolve(int rootfd, const char *spec, struct oci_user *user, char **home,
                 keel_err *err);

#endif
