/* Whether stacking unpacked layers with overlayfs would give another tree
 * than applying them in order to one directory (unpack): a layer's directory
 * where a lower layer has a symlink or a file. */
#ifndef KEEL_IMAGETOOL_LAYER_SHADOW_H
#define KEEL_IMAGETOOL_LAYER_SHADOW_H

#include <stdbool.h>
#include <stddef.h>

#include "keel/error.h"

/* layers: the unpacked layer directories, bottom first. *shadow is set when
 * some layer has a directory where the layers below it show a symlink or a
 * file (not a whiteout). */
int layers_shadow_links(char *const *layers, size_t n, bool *shadow, keel_err *err);

#endif
