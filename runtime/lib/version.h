#ifndef KEEL_RUNTIME_VERSION_H
#define KEEL_RUNTIME_VERSION_H
extern const char keel_runtime_version[];
#endif
