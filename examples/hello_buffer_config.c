/* hello-buffer-config: loads hello_buffer_config.bpf.c on execve (kprobe, or
 * the tracepoint where there are no kprobes), writes the per-uid messages
 * into the map config and prints the events the program sends through the
 * perf event array "output", until -n events, -t seconds or -m MESSAGE. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "execve_hook.h"
#include "hello_buffer_config.skel.h"
#include "hello_config_run.h"

static const char *const name = "hello-buffer-config";

struct loaded {
	struct hello_buffer_config_bpf *skel;
	struct bpf_link *link;
};

/* Opens, loads (only the program of this hook), writes config, attaches. */
static int load_and_attach(enum execve_hook hook, void *ctx)
{
	struct loaded *l = ctx;
	int err;

	l->skel = hello_buffer_config_bpf__open();
	if (!l->skel)
		return -errno;
	execve_hook_select(hook, l->skel->progs.hello_kprobe, l->skel->progs.hello_tracepoint);
	err = hello_buffer_config_bpf__load(l->skel);
	if (!err)
		err = hello_write_config(bpf_map__fd(l->skel->maps.config));
	if (!err) {
		l->link = execve_hook_attach(hook, l->skel->progs.hello_kprobe, l->skel->progs.hello_tracepoint);
		err = l->link ? 0 : -errno;
	}
	if (err) {
		hello_buffer_config_bpf__destroy(l->skel);
		l->skel = NULL;
	}
	return err;
}

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	(void)cpu;
	hello_event(ctx, data, size);
}

static void on_lost(void *ctx, int cpu, __u64 count)
{
	fprintf(stderr, "%s: lost %llu events on CPU %d\n", ((struct hello_run *)ctx)->name,
		(unsigned long long)count, cpu);
}

static int poll_events(void *events)
{
	return perf_buffer__poll(events, 50);
}

int main(int argc, char **argv)
{
	struct loaded l = {0};
	struct perf_buffer *events;
	int hook;
	struct hello_run run;
	int status = hello_run_init(&run, name, argc, argv);

	if (status >= 0)
		return status;
	hook = execve_hook_try(name, load_and_attach, &l);
	if (hook < 0) {
		fprintf(stderr, "%s: cannot load and attach the program: %s\n", name, strerror(errno));
		return 1;
	}
	events = perf_buffer__new(bpf_map__fd(l.skel->maps.output), 8, on_sample, on_lost, &run, NULL);
	if (!events) {
		fprintf(stderr, "%s: cannot open the perf buffer: %s\n", name, strerror(errno));
		status = 1;
	} else {
		hello_announce(&run, execve_hook_description(hook), bpf_map__fd(l.skel->maps.config));
		status = hello_run_events(&run, poll_events, events);
		perf_buffer__free(events);
	}
	bpf_link__destroy(l.link);
	hello_buffer_config_bpf__destroy(l.skel);
	return status;
}
