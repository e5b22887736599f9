/* The list of document types behind keel/spec_types.h. */
#include <string.h>

#include "keel/distribution.h"
#include "keel/image_spec.h"
#include "keel/runtime_spec.h"
#include "keel/spec_types.h"

const struct spec_type *const spec_document_types[] = {
    &spec_type_oci_config, &spec_type_oci_state, &spec_type_oci_features,
    &spec_type_oci_container_process_state,
    &spec_type_oci_descriptor, &spec_type_oci_manifest, &spec_type_oci_index,
    &spec_type_oci_image_config, &spec_type_oci_layout, &spec_type_docker_save_manifest,
    &spec_type_dist_token_response, &spec_type_dist_error_body, &spec_type_dist_tag_list,
    &spec_type_docker_cli_config, &spec_type_docker_cred_helper_reply,
    NULL,
};

const struct spec_type *spec_document_type(const char *name)
{
    for (size_t i = 0; spec_document_types[i] != NULL; i++)
        if (strcmp(spec_document_types[i]->name, name) == 0)
            return spec_document_types[i];
    return NULL;
}
