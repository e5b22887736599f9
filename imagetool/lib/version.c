/* The image tool's version. */
#include "version.h"

const char keel_image_version[] = "0.1.0";
