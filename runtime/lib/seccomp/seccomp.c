/* linux.seccomp -> BPF with libseccomp, and what features.json says about it.
 * The filter is built once, in the runtime, so that a bad profile fails before
 * anything of the container exists; loading is seccomp_load.c's job. */
#include "seccomp_filter.h"

#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "keel/cleanup.h"

#define SECCOMP_PATH "linux.seccomp"

struct action_def {
    const char *name;
    uint32_t action;
    bool takes_errno;   /* SCMP_ACT_ERRNO and SCMP_ACT_TRACE carry errnoRet */
    unsigned int api;   /* the seccomp_api_get() level the action needs */
};

static const struct action_def actions[] = {
    { "SCMP_ACT_KILL", SCMP_ACT_KILL, false, 1 },
    { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false, 3 },
    { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false, 1 },
    { "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false, 1 },
    { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true, 1 },
    { "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true, 1 },
    { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false, 1 },
    { "SCMP_ACT_LOG", SCMP_ACT_LOG, false, 3 },
    { "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false, 5 },
};

static const struct { const char *name; enum scmp_compare op; } operators[] = {
    { "SCMP_CMP_NE", SCMP_CMP_NE },
    { "SCMP_CMP_LT", SCMP_CMP_LT },
    { "SCMP_CMP_LE", SCMP_CMP_LE },
    { "SCMP_CMP_EQ", SCMP_CMP_EQ },
    { "SCMP_CMP_GE", SCMP_CMP_GE },
    { "SCMP_CMP_GT", SCMP_CMP_GT },
    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static const struct { const char *name; unsigned int flag; } filter_flags[] = {
    { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
    { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
    { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
    { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

/* The spec's list (libseccomp 2.6); which of them this libseccomp knows is
 * asked at run time. */
static const char *const spec_archs[] = {
    "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
};

#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

/* The kernel validates flags before it reads the program: EFAULT on a NULL
 * program means the flag itself was accepted. WAIT_KILLABLE_RECV is only
 * valid together with NEW_LISTENER. */
static bool kernel_accepts_flag(unsigned int flag)
{
    unsigned int probe = flag;
    if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
        probe |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, probe, NULL) < 0 && errno == EFAULT;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token, 0 when it does not know it. */
static uint32_t resolve_arch(const char *name)
{
    const char *prefix = "SCMP_ARCH_";
    if (strncmp(name, prefix, strlen(prefix)) != 0)
        return 0;
    char lower[32];
    const char *s = name + strlen(prefix);
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof lower)
        return 0;
    for (size_t i = 0; i <= n; i++)
        lower[i] = (char)tolower((unsigned char)s[i]);
    return seccomp_arch_resolve_name(lower);
}

/* An action name (and optional errnoRet) to libseccomp's value. `path` is the
 * action's JSON path, `errno_path` the errnoRet's. */
static int resolve_action(const char *name, bool has_errno, uint32_t errno_ret,
                          const char *path, const char *errno_path, uint32_t *out,
                          keel_err *err)
{
    if (name == NULL)
        return keel_error(err, 0, "%s: required", path);
    const struct action_def *def = NULL;
    for (size_t i = 0; i < N_ELEMENTS(actions); i++)
        if (strcmp(actions[i].name, name) == 0)
            def = &actions[i];
    if (def == NULL)
        return keel_error(err, 0, "%s: unknown action \"%s\"", path, name);
    if (def->api > 1 && seccomp_api_get() < def->api)
        return keel_error(err, 0, "%s: %s is not supported by this kernel and libseccomp "
                          "(API level %u, needs %u)", path, name, seccomp_api_get(), def->api);
    if (!def->takes_errno) {
        if (has_errno)
            return keel_error(err, 0, "%s: %s does not take an errno", errno_path, name);
        *out = def->action;
        return 0;
    }
    uint32_t e = has_errno ? errno_ret : EPERM;
    if (e > 0xffff)
        return keel_error(err, 0, "%s: %u is out of range (at most 65535)", errno_path, e);
    *out = def->action | e;
    return 0;
}

static int resolve_op(const char *name, const char *path, enum scmp_compare *out, keel_err *err)
{
    if (name == NULL)
        return keel_error(err, 0, "%s: required", path);
    for (size_t i = 0; i < N_ELEMENTS(operators); i++) {
        if (strcmp(operators[i].name, name) == 0) {
            *out = operators[i].op;
            return 0;
        }
    }
    return keel_error(err, 0, "%s: unknown operator \"%s\"", path, name);
}

static int resolve_flags(const struct oci_seccomp *s, unsigned int *out, keel_err *err)
{
    *out = 0;
    for (size_t i = 0; i < s->flags_len; i++) {
        unsigned int flag = 0;
        for (size_t k = 0; k < N_ELEMENTS(filter_flags); k++)
            if (strcmp(filter_flags[k].name, s->flags[i]) == 0)
                flag = filter_flags[k].flag;
        if (flag == 0)
            return keel_error(err, 0, SECCOMP_PATH ".flags[%zu]: unknown flag \"%s\"", i,
                              s->flags[i]);
        if (!kernel_accepts_flag(flag))
            return keel_error(err, 0, SECCOMP_PATH ".flags[%zu]: %s is not supported by "
                              "this kernel", i, s->flags[i]);
        *out |= flag;
    }
    return 0;
}

static void filter_ctx_releasep(scmp_filter_ctx *ctx)
{
    if (*ctx != NULL)
        seccomp_release(*ctx);
}

static int add_architectures(scmp_filter_ctx ctx, const struct oci_seccomp *s, keel_err *err)
{
    for (size_t i = 0; i < s->architectures_len; i++) {
        uint32_t arch = resolve_arch(s->architectures[i]);
        if (arch == 0)
            return keel_error(err, 0, SECCOMP_PATH ".architectures[%zu]: unknown or "
                              "unsupported architecture \"%s\"", i, s->architectures[i]);
        int rc = seccomp_arch_add(ctx, arch);
        if (rc < 0 && rc != -EEXIST)
            return keel_error(err, -rc, SECCOMP_PATH ".architectures[%zu]: add %s", i,
                              s->architectures[i]);
    }
    return 0;
}

/* The conditions of syscalls[i], checked. *separate is set when two of them
 * test the same argument: libseccomp cannot AND those, so (as runc does) each
 * condition then becomes a rule of its own. */
static int build_conditions(const struct oci_syscall *sc, size_t i, struct scmp_arg_cmp *cmps,
                            bool *separate, keel_err *err)
{
    unsigned int seen = 0;
    *separate = false;
    for (size_t a = 0; a < sc->args_len; a++) {
        const struct oci_seccomp_arg *arg = &sc->args[a];
        char path[96];
        snprintf(path, sizeof path, SECCOMP_PATH ".syscalls[%zu].args[%zu]", i, a);
        if (!arg->has_index || arg->index > 5)
            return keel_error(err, 0, "%s.index: %s", path,
                              arg->has_index ? "must be between 0 and 5" : "required");
        char op_path[112];
        snprintf(op_path, sizeof op_path, "%s.op", path);
        enum scmp_compare op = SCMP_CMP_EQ;
        if (resolve_op(arg->op, op_path, &op, err) < 0)
            return -1;
        cmps[a] = (struct scmp_arg_cmp){ .arg = arg->index, .op = op,
                                        .datum_a = arg->value, .datum_b = arg->valueTwo };
        if (seen & (1u << arg->index))
            *separate = true;
        seen |= 1u << arg->index;
    }
    return 0;
}

static int add_syscall_rules(scmp_filter_ctx ctx, const struct oci_syscall *sc, size_t i,
                             uint32_t action, struct keel_seccomp *out, keel_err *err)
{
    struct scmp_arg_cmp cmps[sc->args_len > 0 ? sc->args_len : 1];
    bool separate;
    if (build_conditions(sc, i, cmps, &separate, err) < 0)
        return -1;
    for (size_t n = 0; n < sc->names_len; n++) {
        int nr = seccomp_syscall_resolve_name(sc->names[n]);
        if (nr == __NR_SCMP_ERROR) {
            if (spec_strs_append(&out->unknown, &out->unknown_len, sc->names[n]) < 0)
                return keel_error(err, ENOMEM, SECCOMP_PATH ".syscalls[%zu]", i);
            continue;
        }
        int rc = 0;
        if (!separate)
            rc = seccomp_rule_add_array(ctx, action, nr, (unsigned int)sc->args_len, cmps);
        for (size_t a = 0; separate && a < sc->args_len && rc == 0; a++)
            rc = seccomp_rule_add_array(ctx, action, nr, 1, &cmps[a]);
        if (rc < 0)
            return keel_error(err, -rc, SECCOMP_PATH ".syscalls[%zu]: add rule for %s", i,
                              sc->names[n]);
    }
    return 0;
}

static int add_syscalls(scmp_filter_ctx ctx, const struct oci_seccomp *s, uint32_t default_action,
                        struct keel_seccomp *out, keel_err *err)
{
    for (size_t i = 0; i < s->syscalls_len; i++) {
        const struct oci_syscall *sc = &s->syscalls[i];
        char path[64], errno_path[80];
        snprintf(path, sizeof path, SECCOMP_PATH ".syscalls[%zu].action", i);
        snprintf(errno_path, sizeof errno_path, SECCOMP_PATH ".syscalls[%zu].errnoRet", i);
        uint32_t action;
        if (resolve_action(sc->action, sc->has_errnoRet, sc->errnoRet, path, errno_path,
                           &action, err) < 0)
            return -1;
        if (sc->names_len == 0)
            return keel_error(err, 0, SECCOMP_PATH ".syscalls[%zu].names: must contain at "
                              "least one entry", i);
        /* libseccomp refuses a rule that repeats the default action (EACCES). */
        if (action == default_action)
            continue;
        if (action == SCMP_ACT_NOTIFY)
            out->notify = true;
        if (add_syscall_rules(ctx, sc, i, action, out, err) < 0)
            return -1;
    }
    return 0;
}

/* libseccomp 2.5 exports only to an fd: an anonymous memory file, read back. */
static int export_program(scmp_filter_ctx ctx, struct keel_seccomp *out, keel_err *err)
{
    cleanup_close int fd = memfd_create("keel-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        return keel_syserror(err, "memfd_create");
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0)
        return keel_error(err, -rc, "export seccomp filter");
    struct stat st;
    if (fstat(fd, &st) < 0)
        return keel_syserror(err, "stat exported seccomp filter");
    size_t len = (size_t)st.st_size / sizeof(struct sock_filter);
    if (len == 0 || len > BPF_MAXINSNS)
        return keel_error(err, 0, SECCOMP_PATH ": the filter has %zu instructions, the "
                          "kernel takes at most %d", len, BPF_MAXINSNS);
    out->prog = malloc(len * sizeof(struct sock_filter));
    if (out->prog == NULL)
        return keel_error(err, ENOMEM, "read exported seccomp filter");
    ssize_t n = pread(fd, out->prog, len * sizeof(struct sock_filter), 0);
    if (n != (ssize_t)(len * sizeof(struct sock_filter)))
        return keel_error(err, n < 0 ? errno : EIO, "read exported seccomp filter");
    out->prog_len = len;
    return 0;
}

static int compile_into(const struct oci_seccomp *s, struct keel_seccomp *out, keel_err *err)
{
    uint32_t default_action;
    if (resolve_action(s->defaultAction, s->has_defaultErrnoRet, s->defaultErrnoRet,
                       SECCOMP_PATH ".defaultAction", SECCOMP_PATH ".defaultErrnoRet",
                       &default_action, err) < 0)
        return -1;
    if (default_action == SCMP_ACT_NOTIFY)
        return keel_error(err, 0, SECCOMP_PATH ".defaultAction: SCMP_ACT_NOTIFY cannot be "
                          "the default action");
    if (s->listenerMetadata != NULL && s->listenerPath == NULL)
        return keel_error(err, 0, SECCOMP_PATH ".listenerMetadata: set without listenerPath");
    if (resolve_flags(s, &out->flags, err) < 0)
        return -1;

    __attribute__((cleanup(filter_ctx_releasep))) scmp_filter_ctx ctx = seccomp_init(default_action);
    if (ctx == NULL)
        return keel_error(err, 0, SECCOMP_PATH ": libseccomp could not create a filter");
    /* Errors come back as the kernel's errno, not libseccomp's -ECANCELED. */
    seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
    /* A binary tree of syscall numbers: docker's ~350-rule profile costs a few
     * compares per syscall instead of a walk down the whole list. */
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    if (add_architectures(ctx, s, err) < 0 || add_syscalls(ctx, s, default_action, out, err) < 0)
        return -1;
    if (out->notify && s->listenerPath == NULL)
        return keel_error(err, 0, SECCOMP_PATH ".listenerPath: required when an action is "
                          "SCMP_ACT_NOTIFY");
    if (s->listenerPath != NULL && (out->listener_path = strdup(s->listenerPath)) == NULL)
        return keel_error(err, ENOMEM, SECCOMP_PATH ".listenerPath");
    if (s->listenerMetadata != NULL &&
        (out->listener_metadata = strdup(s->listenerMetadata)) == NULL)
        return keel_error(err, ENOMEM, SECCOMP_PATH ".listenerMetadata");
    return export_program(ctx, out, err);
}

int keel_seccomp_compile(const struct oci_seccomp *s, struct keel_seccomp *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    if (compile_into(s, out, err) < 0) {
        keel_seccomp_release(out);
        return -1;
    }
    return 0;
}

void keel_seccomp_release(struct keel_seccomp *f)
{
    free(f->prog);
    free(f->listener_path);
    free(f->listener_metadata);
    for (size_t i = 0; i < f->unknown_len; i++)
        free(f->unknown[i]);
    free(f->unknown);
    memset(f, 0, sizeof *f);
}

int keel_seccomp_features(struct oci_features_seccomp *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    out->enabled = out->has_enabled = true;
    unsigned int api = seccomp_api_get();
    /* Arrays are present (non-NULL) even when empty. */
    out->actions = calloc(1, sizeof(char *));
    out->operators = calloc(1, sizeof(char *));
    out->archs = calloc(1, sizeof(char *));
    out->knownFlags = calloc(1, sizeof(char *));
    out->supportedFlags = calloc(1, sizeof(char *));
    bool ok = out->actions && out->operators && out->archs && out->knownFlags &&
              out->supportedFlags;
    for (size_t i = 0; ok && i < N_ELEMENTS(actions); i++)
        if (api >= actions[i].api)
            ok = spec_strs_append(&out->actions, &out->actions_len, actions[i].name) == 0;
    for (size_t i = 0; ok && i < N_ELEMENTS(operators); i++)
        ok = spec_strs_append(&out->operators, &out->operators_len, operators[i].name) == 0;
    for (size_t i = 0; ok && i < N_ELEMENTS(spec_archs); i++)
        if (resolve_arch(spec_archs[i]) != 0)
            ok = spec_strs_append(&out->archs, &out->archs_len, spec_archs[i]) == 0;
    for (size_t i = 0; ok && i < N_ELEMENTS(filter_flags); i++) {
        ok = spec_strs_append(&out->knownFlags, &out->knownFlags_len, filter_flags[i].name) == 0;
        if (ok && kernel_accepts_flag(filter_flags[i].flag))
            ok = spec_strs_append(&out->supportedFlags, &out->supportedFlags_len,
                                  filter_flags[i].name) == 0;
    }
    if (!ok) {
        spec_release(&spec_type_oci_features_seccomp, out);
        return keel_error(err, ENOMEM, "seccomp features");
    }
    return 0;
}
