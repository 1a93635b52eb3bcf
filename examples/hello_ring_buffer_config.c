/* hello-ring-buffer-config: hello-buffer-config with a ring buffer. Loads
 * hello_ring_buffer_config.bpf.c on execve (kprobe, or the tracepoint where
 * there are no kprobes), writes the per-uid messages into the map config
 * and prints the events read from the ring buffer "output", until -n
 * events, -t seconds or -m MESSAGE. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "execve_hook.h"
#include "hello_config_run.h"
#include "hello_ring_buffer_config.skel.h"

static const char *const name = "hello-ring-buffer-config";

static struct hello_ring_buffer_config_bpf *load_and_attach(enum execve_hook hook, struct bpf_link **link)
{
	struct hello_ring_buffer_config_bpf *skel = hello_ring_buffer_config_bpf__open();
	int err;

	if (!skel)
		return NULL;
	execve_hook_select(hook, skel->progs.hello_kprobe, skel->progs.hello_tracepoint);
	err = hello_ring_buffer_config_bpf__load(skel);
	if (!err)
		err = hello_write_config(bpf_map__fd(skel->maps.config));
	if (!err) {
		*link = execve_hook_attach(hook, skel->progs.hello_kprobe, skel->progs.hello_tracepoint);
		err = *link ? 0 : -errno;
	}
	if (err) {
		hello_ring_buffer_config_bpf__destroy(skel);
		errno = -err;
		return NULL;
	}
	return skel;
}

static int on_event(void *ctx, void *data, size_t size)
{
	hello_event(ctx, data, size);
	return 0;
}

int main(int argc, char **argv)
{
	struct hello_ring_buffer_config_bpf *skel;
	struct bpf_link *link = NULL;
	struct ring_buffer *events;
	enum execve_hook hook = execve_first_hook();
	struct hello_run run;
	int status = hello_run_init(&run, name, argc, argv);

	if (status >= 0)
		return status;
	skel = load_and_attach(hook, &link);
	if (!skel && hook == EXECVE_KPROBE) {
		fprintf(stderr, "%s: the kprobe on execve failed (%s); trying the tracepoint\n", name, strerror(errno));
		hook = EXECVE_TRACEPOINT;
		skel = load_and_attach(hook, &link);
	}
	if (!skel) {
		fprintf(stderr, "%s: cannot load and attach the program: %s\n", name, strerror(errno));
		return 1;
	}
	events = ring_buffer__new(bpf_map__fd(skel->maps.output), on_event, &run, NULL);
	if (!events) {
		fprintf(stderr, "%s: cannot open the ring buffer: %s\n", name, strerror(errno));
		status = 1;
	} else {
		hello_announce(&run, execve_hook_description(hook), bpf_map__fd(skel->maps.config));
		while (!hello_done(&run)) {
			ring_buffer__poll(events, 50);
			hello_exec_tick(&run);
		}
		status = hello_finish(&run);
		ring_buffer__free(events);
	}
	bpf_link__destroy(link);
	hello_ring_buffer_config_bpf__destroy(skel);
	return status;
}
