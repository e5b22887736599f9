/* The container process' own settings (process.c) that need no container. */
#include <criterion/criterion.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process.h"

Test(process, new_session_leads_session_and_group)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        keel_err err;
        if (process_new_session(&err) < 0)
            _exit(99);
        _exit(getsid(0) == getpid() && getpgrp() == getpid() ? 0 : 1);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
}
