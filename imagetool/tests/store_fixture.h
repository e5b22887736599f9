/* A store in a fresh temp dir, opened shared, for the suites that test one. */
#ifndef KEEL_STORE_FIXTURE_H
#define KEEL_STORE_FIXTURE_H

#include "store.h"

#define STORE_FIXTURE_ROOT_MAX 64

void store_fixture_open(char root[STORE_FIXTURE_ROOT_MAX], struct store *st);
void store_fixture_close(const char *root, struct store *st);

#endif
