/* docker stats' arithmetic and formatting (stats.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

Test(stats, cpu_percent_is_docker_share_times_cpus)
{
    struct stats_sample a = {.running = true, .cpu_ns = 1000, .system_ns = 10000};
    struct stats_sample b = {.running = true, .cpu_ns = 1500, .system_ns = 12000};
    /* 500 of 2000 host ns on 2 CPUs: half a CPU */
    cr_assert_float_eq(stats_cpu_percent(&a, &b, 2), 50.0, 1e-9);
    b.running = false;
    cr_assert_float_eq(stats_cpu_percent(&a, &b, 2), 0.0, 1e-9);
    b = (struct stats_sample){.running = true, .cpu_ns = 1500, .system_ns = 10000};
    cr_assert_float_eq(stats_cpu_percent(&a, &b, 2), 0.0, 1e-9, "no host time passed: 0");
}

Test(stats, memory_without_cache_and_host_limit)
{
    struct stats_sample s = {.running = true, .mem_usage = 5000, .mem_cache = 1000,
                             .mem_limit = 9223372036854771712ull};
    cr_assert_eq(stats_mem_used(&s), 4000);
    cr_assert_eq(stats_mem_limit(&s, 1 << 30), 1 << 30, "no limit: the host's memory");
    s.mem_limit = 64 << 20;
    cr_assert_eq(stats_mem_limit(&s, 1 << 30), 64 << 20);
    s.mem_cache = 9000;
    cr_assert_eq(stats_mem_used(&s), 5000, "a cache above usage is not subtracted");
    s.running = false;
    cr_assert_eq(stats_mem_limit(&s, 1 << 30), 0, "a stopped container shows 0B / 0B");
}

Test(stats, sizes_as_docker_prints_them)
{
    char b[32];
    stats_size_binary(b, sizeof b, 184320);
    cr_assert_str_eq(b, "180KiB");
    stats_size_binary(b, sizeof b, 1.5 * 1024 * 1024 * 1024);
    cr_assert_str_eq(b, "1.5GiB");
    stats_size_binary(b, sizeof b, 0);
    cr_assert_str_eq(b, "0B");
    stats_size_decimal(b, sizeof b, 1284);
    cr_assert_str_eq(b, "1.28kB");
    stats_size_decimal(b, sizeof b, 796);
    cr_assert_str_eq(b, "796B");
    stats_size_decimal(b, sizeof b, 12345678);
    cr_assert_str_eq(b, "12.3MB");
}

Test(stats, proc_stat_cpu_line)
{
    uint64_t ns;
    cr_assert_eq(stats_parse_cpu_line("cpu  10 0 5 100 5 0 0 0 0 0\n", 100, &ns), 0);
    cr_assert_eq(ns, 120ull * 10000000ull);
    cr_assert_eq(stats_parse_cpu_line("cpu0 1 2 3\n", 100, &ns), -1);
}

Test(stats, netdev_sums_all_but_lo)
{
    const char *text =
        "Inter-|   Receive                            |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes packets errs drop fifo colls carrier compressed\n"
        "    lo:  500 5 0 0 0 0 0 0  500 5 0 0 0 0 0 0\n"
        "  eth0: 1284 10 0 0 0 0 0 0  796 8 0 0 0 0 0 0\n"
        "  eth1:   16 1 0 0 0 0 0 0    4 1 0 0 0 0 0 0\n";
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    uint64_t rx, tx;
    cr_assert_eq(stats_parse_netdev(f, &rx, &tx), 0);
    fclose(f);
    cr_assert_eq(rx, 1300);
    cr_assert_eq(tx, 800);
}

Test(stats, table_pads_as_docker_tabwriter)
{
    char *cells[] = {"CONTAINER ID", "NAME", "PIDS", "061496963484", "u1", "1"};
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    stats_table(f, cells, 2, 3);
    fclose(f);
    cr_assert_str_eq(out, "CONTAINER ID   NAME      PIDS\n061496963484   u1        1\n");
    free(out);
}

Test(stats, row_of_a_stopped_container)
{
    char cells[8][STATS_CELL];
    struct stats_sample z = {0};
    stats_row(cells, "c1cc98fa50e8", "busy", &z, &z, 2, 1 << 30);
    cr_assert_str_eq(cells[2], "0.00%");
    cr_assert_str_eq(cells[3], "0B / 0B");
    cr_assert_str_eq(cells[4], "0.00%");
    cr_assert_str_eq(cells[7], "0");
}
