/* What hello-buffer-config and hello-ring-buffer-config share in user
 * space: their options, the config entries they write, the execs they make
 * to have something to report, the printing of events and when to stop.
 * Every run ends by itself: after -n events, -t seconds, or the message -m. */
#ifndef HELLO_CONFIG_RUN_H
#define HELLO_CONFIG_RUN_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "hello_config.h"

struct hello_run {
	const char *name;          /* the program's name, for messages */
	int max_events;            /* -n: stop after this many events (0: no limit) */
	int seconds;               /* -t: stop after this many seconds */
	const char *until_message; /* -m: stop after an event with this message */
	int events;                /* events printed so far */
	bool message_seen;
	struct timespec deadline, next_exec;
};

/* Parses the options; returns -1 to go on, else the status to exit with. */
int hello_run_init(struct hello_run *run, const char *name, int argc, char **argv);

/* Writes the lab's entries into the map config: uid 0 -> "Hey root!",
 * uid 501 -> "Hi user 501!". Returns 0 or a negative errno. */
int hello_write_config(int config_fd);

/* Tells the user where the program is attached, the id of its map config
 * (for bpftool) and what the run waits for. */
void hello_announce(const struct hello_run *run, const char *hook, int config_fd);

/* Prints one event ("PID UID COMMAND MESSAGE") and counts it. */
void hello_event(struct hello_run *run, const void *data, size_t size);

/* The run itself: calls poll(events) (which waits up to 50 ms and hands
 * what arrived to hello_event) and starts /bin/true every 200 ms, so that
 * execve happens without outside activity, until a stop condition holds
 * (-n, -t, -m, SIGINT/SIGTERM). Then reaps the children and says how it
 * ended: returns 0 when the run got what it waited for (or was stopped by a
 * signal), 1 otherwise. */
int hello_run_events(struct hello_run *run, int (*poll)(void *events), void *events);

#endif
