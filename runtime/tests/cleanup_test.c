/* cleanup_pid (util.h): a child killed and reaped at the end of its scope,
 * unless handed on. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static pid_t sleeper(void)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        pause();
        _exit(0);
    }
    return pid;
}

Test(cleanup, pid_is_killed_and_reaped)
{
    pid_t seen;
    {
        cleanup_pid pid_t pid = sleeper();
        seen = pid;
    }
    errno = 0;
    cr_assert_eq(waitpid(seen, NULL, WNOHANG), -1, "the child is still there");
    cr_assert_eq(errno, ECHILD, "the child was not reaped");
}

Test(cleanup, stolen_pid_is_left_alone)
{
    pid_t kept;
    {
        cleanup_pid pid_t pid = sleeper();
        kept = steal_fd(pid);
    }
    cr_assert_eq(waitpid(kept, NULL, WNOHANG), 0, "a handed-on child was reaped");
    cr_assert_eq(kill(kept, SIGKILL), 0);
    int status;
    cr_assert_eq(waitpid(kept, &status, 0), kept);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}
