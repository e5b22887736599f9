/* linux.netDevices over rtnetlink (see netdev.h). */
#include "netdev.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "keel/cleanup.h"

#define NL_BUF 8192
#define MAX_ADDRS 32

/* One request under construction: the header, its payload, attributes. */
struct nl_req {
    union {
        struct nlmsghdr h;
        char buf[1024];
    };
};

static void *nl_payload(struct nl_req *r, int type, int flags, size_t len)
{
    memset(r, 0, sizeof *r);
    r->h.nlmsg_type = (unsigned short)type;
    r->h.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
    r->h.nlmsg_len = NLMSG_LENGTH(len);
    return NLMSG_DATA(&r->h);
}

static int nl_attr(struct nl_req *r, int type, const void *data, size_t len)
{
    size_t at = NLMSG_ALIGN(r->h.nlmsg_len);
    if (at + RTA_SPACE(len) > sizeof r->buf)
        return -1;
    struct rtattr *a = (struct rtattr *)(r->buf + at);
    a->rta_type = (unsigned short)type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    memcpy(RTA_DATA(a), data, len);
    r->h.nlmsg_len = (unsigned)(at + RTA_SPACE(len));
    return 0;
}

static int nl_open(keel_err *err)
{
    int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (s < 0)
        return keel_syserror(err, "netlink socket");
    return s;
}

/* Reads the answers to request seq, giving each to `each` until it returns
 * 1, an NLMSG_DONE or an NLMSG_ERROR (an ack: 0, or -errno) ends them. */
static int nl_receive(int s, unsigned seq, int (*each)(const struct nlmsghdr *, void *),
                      void *arg)
{
    char buf[NL_BUF];
    for (;;) {
        ssize_t n = recv(s, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n);
             h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != seq)
                continue;
            if (h->nlmsg_type == NLMSG_DONE)
                return 0;
            if (h->nlmsg_type == NLMSG_ERROR)
                return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
            if (each != NULL && each(h, arg) == 1)
                return 0;
        }
    }
}

static int nl_send(int s, struct nl_req *r)
{
    static unsigned seq;
    r->h.nlmsg_seq = ++seq;
    return send(s, r->buf, r->h.nlmsg_len, 0) < 0 ? -errno : 0;
}

struct reply_buf {
    void *buf;
    size_t cap;
};

static int copy_reply(const struct nlmsghdr *h, void *arg)
{
    struct reply_buf *b = arg;
    memcpy(b->buf, h, h->nlmsg_len < b->cap ? h->nlmsg_len : b->cap);
    return 1;
}

/* Sends r and reads the answer: an ack (0 or -errno), or for a GET the one
 * reply, copied into reply. */
static int nl_talk(int s, struct nl_req *r, void *reply, size_t cap)
{
    int e = nl_send(s, r);
    struct reply_buf b = {reply, cap};
    return e < 0 ? e : nl_receive(s, r->h.nlmsg_seq, reply != NULL ? copy_reply : NULL, &b);
}

/* The index of the interface called name in s's namespace, or -errno. */
static int nl_link_index(int s, const char *name)
{
    struct nl_req r;
    nl_payload(&r, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
    if (nl_attr(&r, IFLA_IFNAME, name, strlen(name) + 1) < 0)
        return -ENAMETOOLONG;
    char reply[NL_BUF];
    int e = nl_talk(s, &r, reply, sizeof reply);
    if (e < 0)
        return e;
    return ((struct ifinfomsg *)NLMSG_DATA((struct nlmsghdr *)reply))->ifi_index;
}

/* An address to carry over: the RTM_NEWADDR request that recreates it. */
struct saved_addrs {
    struct nl_req req[MAX_ADDRS];
    size_t n;
};

/* IFA_ADDRESS, IFA_LOCAL, IFA_BROADCAST and IFA_FLAGS of one dumped address,
 * as a request for the device's new index (set later). */
static void save_addr(struct saved_addrs *out, const struct nlmsghdr *h)
{
    const struct ifaddrmsg *ifa = NLMSG_DATA(h);
    if (out->n == MAX_ADDRS)
        return;
    struct nl_req *r = &out->req[out->n];
    struct ifaddrmsg *copy = nl_payload(r, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
                                        sizeof *copy);
    *copy = *ifa;
    int len = (int)IFA_PAYLOAD(h);
    for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len))
        if (a->rta_type == IFA_ADDRESS || a->rta_type == IFA_LOCAL ||
            a->rta_type == IFA_BROADCAST || a->rta_type == IFA_FLAGS)
            nl_attr(r, a->rta_type, RTA_DATA(a), RTA_PAYLOAD(a));
    out->n++;
}

static unsigned addr_flags(const struct nlmsghdr *h)
{
    const struct ifaddrmsg *ifa = NLMSG_DATA(h);
    unsigned flags = ifa->ifa_flags;
    int len = (int)IFA_PAYLOAD(h);
    for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len))
        if (a->rta_type == IFA_FLAGS && RTA_PAYLOAD(a) >= sizeof flags)
            memcpy(&flags, RTA_DATA(a), sizeof flags);
    return flags;
}

struct addr_filter {
    int ifindex;
    struct saved_addrs *out;
};

static int keep_addr(const struct nlmsghdr *h, void *arg)
{
    const struct addr_filter *f = arg;
    const struct ifaddrmsg *ifa = NLMSG_DATA(h);
    if (h->nlmsg_type == RTM_NEWADDR && (int)ifa->ifa_index == f->ifindex &&
        ifa->ifa_scope == RT_SCOPE_UNIVERSE && (addr_flags(h) & IFA_F_PERMANENT))
        save_addr(f->out, h);
    return 0;
}

/* The permanent, global-scope addresses of ifindex, of every family. */
static int dump_addrs(int s, int ifindex, struct saved_addrs *out)
{
    struct nl_req r;
    nl_payload(&r, RTM_GETADDR, NLM_F_DUMP, sizeof(struct ifaddrmsg));
    int e = nl_send(s, &r);
    struct addr_filter f = {ifindex, out};
    return e < 0 ? e : nl_receive(s, r.h.nlmsg_seq, keep_addr, &f);
}

/* A netlink socket in the namespace nsfd names (sockets stay in the
 * namespace they were made in); keel itself goes back to its own. */
static int nl_open_in(int nsfd, keel_err *err)
{
    cleanup_close int own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (own < 0)
        return keel_syserror(err, "open /proc/self/ns/net");
    if (setns(nsfd, CLONE_NEWNET) < 0)
        return keel_syserror(err, "join the container's network namespace");
    int s = nl_open(err);
    if (setns(own, CLONE_NEWNET) < 0) {
        if (s >= 0)
            close(s);
        return keel_syserror(err, "return to keel's network namespace");
    }
    return s;
}

struct netdev_move {
    const char *host, *name; /* the name here and the one it gets there */
    int index;               /* here */
    struct saved_addrs addrs;
};

/* Present here, and its new name free there (unless a %d template). */
static int netdev_check(int host, int ct, struct netdev_move *m, keel_err *err)
{
    m->index = nl_link_index(host, m->host);
    if (m->index < 0)
        return keel_error(err, -m->index, "linux.netDevices[\"%s\"]: no such interface", m->host);
    if (strchr(m->name, '%') == NULL && nl_link_index(ct, m->name) > 0)
        return keel_error(err, EEXIST, "linux.netDevices[\"%s\"]: %s exists in the container",
                          m->host, m->name);
    int e = dump_addrs(host, m->index, &m->addrs);
    if (e < 0)
        return keel_error(err, -e, "linux.netDevices[\"%s\"]: list its addresses", m->host);
    return 0;
}

/* Into the namespace under its new name, its addresses back, up. */
static int netdev_move(int host, int ct, int nsfd, struct netdev_move *m, keel_err *err)
{
    struct nl_req r;
    struct ifinfomsg *ifi = nl_payload(&r, RTM_NEWLINK, NLM_F_ACK, sizeof *ifi);
    ifi->ifi_index = m->index;
    nl_attr(&r, IFLA_NET_NS_FD, &nsfd, sizeof nsfd);
    nl_attr(&r, IFLA_IFNAME, m->name, strlen(m->name) + 1);
    int e = nl_talk(host, &r, NULL, 0);
    if (e < 0)
        return keel_error(err, -e, "linux.netDevices[\"%s\"]: move into the container as %s",
                          m->host, m->name);
    /* the kernel keeps the index when it is free there; a template's name is unknown */
    int index = strchr(m->name, '%') == NULL ? nl_link_index(ct, m->name) : m->index;
    if (index < 0)
        return keel_error(err, -index, "linux.netDevices[\"%s\"]: find %s in the container",
                          m->host, m->name);
    for (size_t i = 0; i < m->addrs.n; i++) {
        struct nl_req *a = &m->addrs.req[i];
        ((struct ifaddrmsg *)NLMSG_DATA(&a->h))->ifa_index = (unsigned)index;
        if ((e = nl_talk(ct, a, NULL, 0)) < 0)
            return keel_error(err, -e, "linux.netDevices[\"%s\"]: restore an address", m->host);
    }
    ifi = nl_payload(&r, RTM_NEWLINK, NLM_F_ACK, sizeof *ifi);
    ifi->ifi_index = index;
    ifi->ifi_flags = ifi->ifi_change = IFF_UP;
    if ((e = nl_talk(ct, &r, NULL, 0)) < 0)
        return keel_error(err, -e, "linux.netDevices[\"%s\"]: set %s up", m->host, m->name);
    return 0;
}

int netdev_move_all(const struct oci_config *cfg, pid_t pid, keel_err *err)
{
    const struct oci_linux *l = cfg->linux;
    if (l == NULL || l->netDevices_len == 0)
        return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
    cleanup_close int nsfd = open(path, O_RDONLY | O_CLOEXEC);
    if (nsfd < 0)
        return keel_syserror(err, "open %s", path);
    struct stat theirs, ours;
    if (fstat(nsfd, &theirs) < 0 || stat("/proc/self/ns/net", &ours) < 0)
        return keel_syserror(err, "stat the network namespaces");
    /* a move within one namespace would only rename the host's interface */
    if (theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev)
        return keel_error(err, 0, "linux.netDevices: the container shares keel's network namespace");
    cleanup_close int host = nl_open(err);
    cleanup_close int ct = host < 0 ? -1 : nl_open_in(nsfd, err);
    if (ct < 0)
        return -1;
    cleanup_free struct netdev_move *moves = calloc(l->netDevices_len, sizeof *moves);
    if (moves == NULL)
        return keel_error(err, ENOMEM, "linux.netDevices");
    for (size_t i = 0; i < l->netDevices_len; i++) {
        moves[i].host = l->netDevices_keys[i];
        moves[i].name = l->netDevices[i].name != NULL ? l->netDevices[i].name : moves[i].host;
        if (netdev_check(host, ct, &moves[i], err) < 0)
            return -1;
    }
    for (size_t i = 0; i < l->netDevices_len; i++)
        if (netdev_move(host, ct, nsfd, &moves[i], err) < 0)
            return -1;
    return 0;
}
