/* Tables for the image-spec types declared in keel/image_layout.h. */
#include <stdlib.h>

#include "keel/image_layout.h"

SPEC_DEFINE(img_platform, IMG_PLATFORM)
SPEC_DEFINE(img_descriptor, IMG_DESCRIPTOR)
SPEC_DEFINE(img_index, IMG_INDEX)
SPEC_DEFINE(img_manifest, IMG_MANIFEST)
SPEC_DEFINE(img_versioned, IMG_VERSIONED)
SPEC_DEFINE(img_healthcheck, IMG_HEALTHCHECK)
SPEC_DEFINE(img_exec_config, IMG_EXEC_CONFIG)
SPEC_DEFINE(img_rootfs, IMG_ROOTFS)
SPEC_DEFINE(img_history, IMG_HISTORY)
SPEC_DEFINE(img_config, IMG_CONFIG)
SPEC_DEFINE(img_layout, IMG_LAYOUT)
