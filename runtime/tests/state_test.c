/* Container IDs, id maps, rlimit names and the state directory's life. */
#include <criterion/criterion.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "namespaces.h"
#include "process.h"
#include "scheduling.h"
#include "util.h"
#include "state.h"

Test(state, valid_ids)
{
    keel_err err;
    cr_assert_eq(state_validate_id("abc-DEF_1.2+3", &err), 0);
    cr_assert_eq(state_validate_id("", &err), -1);
    cr_assert_eq(state_validate_id(".", &err), -1);
    cr_assert_eq(state_validate_id("..", &err), -1);
    cr_assert_eq(state_validate_id("a/b", &err), -1);
    cr_assert_eq(state_validate_id("a b", &err), -1);
    char long_id[1100];
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    cr_assert_eq(state_validate_id(long_id, &err), -1);
}

Test(state, new_open_save_remove)
{
    char root[] = "/tmp/keel-state-test-XXXXXX";
    cr_assert_not_null(mkdtemp(root));
    keel_err err = {0};
    struct container c;
    cr_assert_eq(container_new(root, "one", &c, &err), 0, "%s", err.msg);
    cr_assert_eq(container_status(&c), STATUS_CREATING);
    c.st.pid = getpid();
    c.st.has_pid = true;
    c.st.pidStartTime = 1; /* not our start time: a reused pid reads as stopped */
    c.st.has_pidStartTime = true;
    cr_assert_eq(container_save(&c, &err), 0, "%s", err.msg);
    container_close(&c);
    struct container again;
    cr_assert_eq(container_new(root, "one", &again, &err), -1);
    cr_assert_str_eq(err.msg, "one: container with given ID already exists");
    cr_assert_eq(container_open(root, "one", &again, &err), 0, "%s", err.msg);
    cr_assert_eq(again.st.pid, getpid());
    cr_assert_eq(container_status(&again), STATUS_STOPPED);
    cr_assert_eq(container_remove(&again, &err), 0, "%s", err.msg);
    container_close(&again);
    cr_assert_eq(container_open(root, "one", &again, &err), -1);
    cr_assert_str_eq(err.msg, "one: container does not exist");
    rmdir(root);
}

Test(state, id_maps)
{
    struct oci_id_mapping m[] = {{.containerID = 0, .hostID = 100000, .size = 65536},
                                 {.containerID = 70000, .hostID = 5, .size = 1}};
    char buf[128];
    keel_err err;
    cr_assert_gt(ns_format_id_map(m, 2, buf, sizeof buf, &err), 0);
    cr_assert_str_eq(buf, "0 100000 65536\n70000 5 1\n");
    cr_assert_eq(ns_host_id(m, 2, 1000), 101000);
    cr_assert_eq(ns_host_id(m, 2, 70000), 5);
    cr_assert_eq(ns_host_id(m, 2, 69999), 69999);
    cr_assert_eq(ns_host_id(NULL, 0, 7), 7);
}

Test(state, namespace_and_rlimit_names)
{
    cr_assert_eq(ns_flag("network"), CLONE_NEWNET);
    cr_assert_eq(ns_flag("mount"), CLONE_NEWNS);
    cr_assert_eq(ns_flag("net"), 0);
    cr_assert_str_eq(ns_proc_name(CLONE_NEWNET), "net");
    cr_assert_eq(process_rlimit_resource("RLIMIT_NOFILE"), RLIMIT_NOFILE);
    cr_assert_eq(process_rlimit_resource("RLIMIT_BOGUS"), -1);
}

Test(state, cpu_lists)
{
    cpu_set_t set;
    keel_err err;
    cr_assert_eq(cpu_list_parse("0-3,7", &set, &err), 0);
    cr_assert_eq(CPU_COUNT(&set), 5);
    cr_assert(CPU_ISSET(7, &set));
    cr_assert_not(CPU_ISSET(4, &set));
    cr_assert_eq(cpu_list_parse("3-1", &set, &err), -1);
    cr_assert_eq(cpu_list_parse("1,,2", &set, &err), -1);
    cr_assert_eq(cpu_list_parse("x", &set, &err), -1);
}

/* created while the init lives and exec.fifo exists, running once the FIFO
 * is gone, stopped when the pid is dead or its start time differs */
Test(state, status_transitions)
{
    char root[] = "/tmp/keel-state-test-XXXXXX";
    cr_assert_not_null(mkdtemp(root));
    keel_err err = {0};
    struct container c;
    cr_assert_eq(container_new(root, "two", &c, &err), 0, "%s", err.msg);
    uint64_t start;
    cr_assert_eq(proc_start_time(getpid(), &start, NULL), 0);
    c.st.pid = getpid();
    c.st.has_pid = true;
    c.st.pidStartTime = start;
    c.st.has_pidStartTime = true;
    cr_assert_eq(mkfifoat(c.dirfd, EXEC_FIFO, 0600), 0);
    cr_assert_eq(container_status(&c), STATUS_CREATED);
    cr_assert_str_eq(status_name(container_status(&c)), "created");
    cr_assert_eq(unlinkat(c.dirfd, EXEC_FIFO, 0), 0);
    cr_assert_eq(container_status(&c), STATUS_RUNNING);
    c.st.pidStartTime = start + 1;
    cr_assert_eq(container_status(&c), STATUS_STOPPED);
    c.st.pidStartTime = start;
    c.st.pid = 0x3fffffff; /* no such process */
    cr_assert_eq(container_status(&c), STATUS_STOPPED);
    cr_assert_eq(container_remove(&c, &err), 0, "%s", err.msg);
    container_close(&c);
    rmdir(root);
}
