/* keel in the foreground of a container process (run, exec): the signals it
 * gets go to the process, a pty it holds is relayed to its own terminal, and
 * the process' exit status comes back as a shell reports it. */
#ifndef KEEL_FOREGROUND_H
#define KEEL_FOREGROUND_H

#include <signal.h>
#include <sys/types.h>

/* Blocks every signal keel forwards (all but the synchronous faults) into
 * *forwarded and *old (the previous mask), and takes back ignored ones, which
 * signalfd would never see. Call before forking the process: its setup
 * unblocks them again (process.c). */
void foreground_block_signals(sigset_t *forwarded, sigset_t *old);

/* Waits until pid exits: forwards what arrives on sigfd (a signalfd of
 * *forwarded), copies master (-1: none) to stdout and stdin to master, reaps
 * orphans (keel is a subreaper). Returns the exit status, 128+N for signal N. */
int foreground_wait(pid_t pid, int sigfd, int master);

/* keel's terminal size onto master (a terminal that knows none, 0x0, keeps
 * process.consoleSize). */
void foreground_copy_winsize(int master);

#endif
