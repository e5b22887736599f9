/* The runtime's version, shared by --version and features. */
#include "version.h"

const char keel_runtime_version[] = "0.1.0";
