/* Tables for keel-image's own documents (keel/image_store.h). */
#include <stdlib.h>

#include "keel/image_store.h"

SPEC_DEFINE(keel_bundle_record, KEEL_BUNDLE_RECORD)
SPEC_DEFINE(keel_image_summary, KEEL_IMAGE_SUMMARY)
SPEC_DEFINE(keel_image_match, KEEL_IMAGE_MATCH)
SPEC_DEFINE_AS(keel_image_list, KEEL_IMAGE_LIST, true)
SPEC_DEFINE(keel_image_layer, KEEL_IMAGE_LAYER)
SPEC_DEFINE(keel_image_inspect, KEEL_IMAGE_INSPECT)
