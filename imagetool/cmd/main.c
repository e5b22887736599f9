/* keel-image: pulls, stores and unpacks OCI images. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("keel-image version 0.1.0\n");
        return 0;
    }
    printf("usage: keel-image [--root DIR] COMMAND ...\n");
    return argc > 1 && strcmp(argv[1], "--help") == 0 ? 0 : 1;
}
