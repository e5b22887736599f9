#ifndef KEEL_IMAGE_VERSION_H
#define KEEL_IMAGE_VERSION_H
extern const char keel_image_version[];
#endif
