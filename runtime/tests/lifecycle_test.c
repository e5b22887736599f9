/* The lifecycle commands on a stopped container, and the words engines match in their
 * errors (runc's: containerd's shim takes "container not running" as already gone). */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "container.h"
#include "container_cgroup.h"
#include "state.h"

static char root[] = "/tmp/keel-lifecycle-test-XXXXXX";

/* A container whose recorded init is this process with another start time: stopped. */
static void stopped_container(void)
{
    keel_err err = {0};
    struct container c;
    cr_assert_not_null(mkdtemp(root));
    cr_assert_eq(container_new(root, "gone", &c, &err), 0, "%s", err.msg);
    c.st.pid = getpid();
    c.st.has_pid = true;
    c.st.pidStartTime = 1;
    c.st.has_pidStartTime = true;
    cr_assert_eq(container_save(&c, &err), 0, "%s", err.msg);
    container_close(&c);
}

static void remove_container(void)
{
    keel_err err = {0};
    struct container c;
    if (container_open(root, "gone", &c, &err) == 0) {
        container_remove(&c, &err);
        container_close(&c);
    }
    rmdir(root);
}

TestSuite(lifecycle, .init = stopped_container, .fini = remove_container);

Test(lifecycle, kill_all_stopped_is_not_an_error)
{
    keel_err err = {0};
    cr_assert_eq(container_kill(root, "gone", SIGKILL, true, &err), 0, "%s", err.msg);
}

Test(lifecycle, kill_stopped_says_not_running)
{
    keel_err err = {0};
    cr_assert_eq(container_kill(root, "gone", SIGKILL, false, &err), -1);
    cr_assert_str_eq(err.msg, "kill gone: container not running");
}

Test(lifecycle, unknown_container_does_not_exist)
{
    keel_err err = {0};
    cr_assert_eq(container_kill(root, "nosuch", SIGKILL, true, &err), -1);
    cr_assert_str_eq(err.msg, "nosuch: container does not exist");
    cr_assert_eq(err.errnum, ENOENT, "callers act on the errno");
}

Test(lifecycle, pause_resume_stopped)
{
    keel_err err = {0};
    cr_assert_eq(container_pause(root, "gone", true, &err), -1);
    cr_assert_str_eq(err.msg, "pause gone: container not running");
    cr_assert_eq(container_pause(root, "gone", false, &err), -1);
    cr_assert_str_eq(err.msg, "resume gone: container not paused");
}
