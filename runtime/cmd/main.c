/* keel: an OCI runtime with runc's command line. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("keel version 0.1.0\nspec: 1.3.0\n");
        return 0;
    }
    printf("usage: keel [global options] COMMAND [options] CONTAINER-ID\n");
    return argc > 1 && strcmp(argv[1], "--help") == 0 ? 0 : 1;
}
