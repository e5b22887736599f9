/* Tables for the registry and docker CLI types declared in keel/distribution.h. */
#include <stdlib.h>

#include "keel/distribution.h"

SPEC_DEFINE(dist_token_response, DIST_TOKEN_RESPONSE)
SPEC_DEFINE(dist_error, DIST_ERROR)
SPEC_DEFINE(dist_error_body, DIST_ERROR_BODY)
SPEC_DEFINE(dist_tag_list, DIST_TAG_LIST)
SPEC_DEFINE(docker_auth_entry, DOCKER_AUTH_ENTRY)
SPEC_DEFINE(docker_cli_config, DOCKER_CLI_CONFIG)
SPEC_DEFINE(docker_cred_helper_reply, DOCKER_CRED_HELPER_REPLY)
