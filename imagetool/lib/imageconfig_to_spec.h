/* Image config -> runtime config (image-spec conversion.md), with the
 * defaults docker gives a container: namespaces, mounts, masked and read-only
 * paths, capabilities. */
#ifndef KEEL_IMAGETOOL_IMAGECONFIG_TO_SPEC_H
#define KEEL_IMAGETOOL_IMAGECONFIG_TO_SPEC_H

#include "bundle_options.h"
#include "keel/error.h"
#include "keel/image_spec.h"
#include "keel/runtime_spec.h"

/* Builds *out (zeroed first; release with spec_release) for image config
 * `img` changed by the options `o` (NULL: none), resolving the user in the
 * rootfs open on rootfd. root.path is "rootfs". No command (neither
 * Entrypoint nor Cmd, after the options) is an error. */
int imageconfig_to_spec(const struct oci_image_config *img, const struct bundle_options *o,
                        int rootfd, struct oci_config *out, keel_err *err);

#endif
