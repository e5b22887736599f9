/* Image config -> runtime config (image-spec conversion.md), with the
 * defaults docker gives a container: namespaces, mounts, masked and read-only
 * paths, capabilities. */
#ifndef KEEL_IMAGETOOL_IMAGECONFIG_TO_SPEC_H
#define KEEL_IMAGETOOL_IMAGECONFIG_TO_SPEC_H

#include "keel/error.h"
#include "keel/image_spec.h"
#include "keel/runtime_spec.h"

/* Builds *out (zeroed first; release with spec_release) for image config
 * `img`, resolving Config.User in the rootfs open on rootfd. root.path is
 * "rootfs". An image with neither Entrypoint nor Cmd is an error. */
int imageconfig_to_spec(const struct oci_image_config *img, int rootfd, struct oci_config *out,
                        keel_err *err);

#endif
