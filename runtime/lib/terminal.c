/* The container's pty (see terminal.h). */
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sync.h"
#include "util.h"

/* /dev/console is a bind mount of the slave, as the spec's default devices say. */
static int terminal_bind_console(const char *slave_path, keel_err *err)
{
    cleanup_close int fd = open("/dev/console", O_CREAT | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return keel_syserror(err, "create /dev/console");
    if (mount(slave_path, "/dev/console", NULL, MS_BIND, NULL) < 0)
        return keel_syserror(err, "bind %s on /dev/console", slave_path);
    return 0;
}

static int terminal_open_pair(struct terminal *t, const struct oci_process *p, uid_t uid,
                              keel_err *err)
{
    t->slave = -1;
    t->master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (t->master < 0)
        return keel_syserror(err, "open /dev/ptmx");
    if (unlockpt(t->master) < 0 || ptsname_r(t->master, t->slave_path, sizeof t->slave_path) != 0) {
        keel_syserror(err, "unlock pty");
        terminal_close(t);
        return -1;
    }
    t->slave = open(t->slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (t->slave < 0) {
        keel_syserror(err, "open %s", t->slave_path);
        terminal_close(t);
        return -1;
    }
    if (fchown(t->slave, uid, (gid_t)-1) < 0) {
        keel_syserror(err, "chown %s", t->slave_path);
        terminal_close(t);
        return -1;
    }
    if (p->consoleSize != NULL) {
        struct winsize ws = {.ws_row = (unsigned short)p->consoleSize->height,
                             .ws_col = (unsigned short)p->consoleSize->width};
        if (ioctl(t->master, TIOCSWINSZ, &ws) < 0) {
            keel_syserror(err, "process.consoleSize");
            terminal_close(t);
            return -1;
        }
    }
    return 0;
}

int terminal_open(struct terminal *t, const struct oci_process *p, uid_t uid, keel_err *err)
{
    return terminal_open_pair(t, p, uid, err);
}

int terminal_open_in_container(struct terminal *t, const struct oci_process *p, keel_err *err)
{
    if (terminal_open_pair(t, p, p->user != NULL ? p->user->uid : 0, err) < 0)
        return -1;
    if (terminal_bind_console(t->slave_path, err) < 0) {
        terminal_close(t);
        return -1;
    }
    return 0;
}

void terminal_close(struct terminal *t)
{
    if (t->master >= 0)
        close(t->master);
    if (t->slave >= 0)
        close(t->slave);
    t->master = t->slave = -1;
}

int terminal_send_master(const char *socket_path, int master, keel_err *err)
{
    return socket_path_send_fd(socket_path, "console socket", "/dev/ptmx", master, err);
}

int terminal_become_controlling(int slave, keel_err *err)
{
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        return keel_syserror(err, "set the controlling terminal");
    for (int fd = 0; fd < 3; fd++)
        if (dup2(slave, fd) < 0)
            return keel_syserror(err, "dup the pty to fd %d", fd);
    return 0;
}

int terminal_make_raw(int fd, struct termios *saved)
{
    if (tcgetattr(fd, saved) < 0)
        return -1;
    struct termios raw = *saved;
    cfmakeraw(&raw);
    return tcsetattr(fd, TCSANOW, &raw);
}
