/* The shared user-space run of the hello-*-config loaders (hello_config_run.h). */
#include "hello_config_run.h"

#include <bpf/bpf.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t stop_signal;

static bool done(const struct hello_run *run);

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void after(struct timespec *t, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static bool reached(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static void usage(FILE *to, const char *name)
{
	fprintf(to,
		"usage: %s [-n EVENTS] [-t SECONDS] [-m MESSAGE]\n"
		"Reports every execve with the message configured for the caller's uid in the map\n"
		"\"config\", running /bin/true itself every 200 ms so that there is something to report.\n"
		"  -n EVENTS   stop after EVENTS events (default 5; 0: no limit)\n"
		"  -t SECONDS  stop after SECONDS seconds (default 10)\n"
		"  -m MESSAGE  stop after an event carrying MESSAGE (change it with bpftool map update)\n",
		name);
}

static bool parse_count(const char *text, int *out)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || v < 0 || v > 1000000)
		return false;
	*out = (int)v;
	return true;
}

int hello_run_init(struct hello_run *run, const char *name, int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_stop_signal};
	int c;

	*run = (struct hello_run){.name = name, .max_events = 5, .seconds = 10};
	while ((c = getopt(argc, argv, "n:t:m:h")) != -1) {
		switch (c) {
		case 'n':
			if (!parse_count(optarg, &run->max_events))
				goto bad;
			break;
		case 't':
			if (!parse_count(optarg, &run->seconds) || run->seconds == 0)
				goto bad;
			break;
		case 'm':
			if (strlen(optarg) > HELLO_MESSAGE_LEN)
				goto bad;
			run->until_message = optarg;
			break;
		case 'h':
			usage(stdout, name);
			return 0;
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	after(&run->deadline, run->seconds * 1000L);
	after(&run->next_exec, 0);
	return -1;
bad:
	usage(stderr, name);
	return 2;
}

static int write_message(int config_fd, __u32 uid, const char *text)
{
	struct user_msg_t msg = {0};

	strncpy(msg.message, text, sizeof(msg.message));
	return bpf_map_update_elem(config_fd, &uid, &msg, BPF_ANY);
}

int hello_write_config(int config_fd)
{
	int err = write_message(config_fd, 0, "Hey root!");

	return err ? err : write_message(config_fd, 501, "Hi user 501!");
}

void hello_announce(const struct hello_run *run, const char *hook, int config_fd)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);

	printf("%s: attached to execve through %s\n", run->name, hook);
	if (bpf_obj_get_info_by_fd(config_fd, &info, &len) == 0)
		printf("%s: map config is id %u: 0 -> \"Hey root!\", 501 -> \"Hi user 501!\"\n", run->name, info.id);
	if (run->until_message)
		printf("%s: waiting up to %d s for an event with \"%s\"\n", run->name, run->seconds,
		       run->until_message);
	else if (run->max_events)
		printf("%s: waiting up to %d s for %d events\n", run->name, run->seconds, run->max_events);
	else
		printf("%s: reporting events for %d s\n", run->name, run->seconds);
}

void hello_event(struct hello_run *run, const void *data, size_t size)
{
	const struct data_t *d = data;

	if (size < sizeof(*d) || done(run))
		return;
	printf("%u %u %.*s %.*s\n", d->pid, d->uid, (int)strnlen(d->command, sizeof(d->command)), d->command,
	       (int)strnlen(d->message, sizeof(d->message)), d->message);
	run->events++;
	if (run->until_message && strncmp(d->message, run->until_message, sizeof(d->message)) == 0)
		run->message_seen = true;
}

static void reap(bool wait_all)
{
	while (waitpid(-1, NULL, wait_all ? 0 : WNOHANG) > 0)
		;
}

static void exec_tick(struct hello_run *run)
{
	char *const argv[] = {"/bin/true", NULL};
	pid_t pid;
	int err;

	reap(false);
	if (!reached(&run->next_exec))
		return;
	err = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
	if (err)
		fprintf(stderr, "%s: cannot run /bin/true: %s\n", run->name, strerror(err));
	after(&run->next_exec, 200);
}

static bool done(const struct hello_run *run)
{
	if (stop_signal || reached(&run->deadline))
		return true;
	if (run->until_message)
		return run->message_seen;
	return run->max_events && run->events >= run->max_events;
}

static int finish(struct hello_run *run)
{
	reap(true);
	if (stop_signal) {
		printf("%s: stopped by %s after %d events\n", run->name, strsignal(stop_signal), run->events);
		return 0;
	}
	if (run->until_message && !run->message_seen) {
		fprintf(stderr, "%s: no event with \"%s\" within %d s\n", run->name, run->until_message, run->seconds);
		return 1;
	}
	if (!run->until_message && run->max_events && run->events < run->max_events) {
		fprintf(stderr, "%s: only %d of %d events within %d s\n", run->name, run->events, run->max_events,
			run->seconds);
		return 1;
	}
	printf("%s: %d events, done\n", run->name, run->events);
	return 0;
}

int hello_run_events(struct hello_run *run, int (*poll)(void *events), void *events)
{
	while (!done(run)) {
		poll(events);
		exec_tick(run);
	}
	return finish(run);
}
