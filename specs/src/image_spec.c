/* Tables for the image-spec and Docker image types declared in keel/image_spec.h. */
#include <stdlib.h>

#include "keel/image_spec.h"

SPEC_DEFINE(oci_platform, OCI_PLATFORM)
SPEC_DEFINE(oci_descriptor, OCI_DESCRIPTOR)
SPEC_DEFINE(oci_manifest, OCI_MANIFEST)
SPEC_DEFINE(oci_index, OCI_INDEX)
SPEC_DEFINE(oci_layout, OCI_LAYOUT)
SPEC_DEFINE(docker_healthcheck, DOCKER_HEALTHCHECK)
SPEC_DEFINE(oci_image_exec_config, OCI_IMAGE_EXEC_CONFIG)
SPEC_DEFINE(oci_image_rootfs, OCI_IMAGE_ROOTFS)
SPEC_DEFINE(oci_image_history, OCI_IMAGE_HISTORY)
SPEC_DEFINE(oci_image_config, OCI_IMAGE_CONFIG)
SPEC_DEFINE(docker_save_entry, DOCKER_SAVE_ENTRY)
SPEC_DEFINE_AS(docker_save_manifest, DOCKER_SAVE_MANIFEST, true)
