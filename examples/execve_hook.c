/* The choice between a kprobe and the tracepoint for execve (execve_hook.h). */
#include "execve_hook.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A kernel with kprobes has the kprobe PMU (perf_event_open, what libbpf
 * uses first) or at least tracefs's kprobe_events (libbpf's legacy way). */
static bool kprobes_available(void)
{
	return access("/sys/bus/event_source/devices/kprobe/type", R_OK) == 0 ||
	       access("/sys/kernel/tracing/kprobe_events", W_OK) == 0 ||
	       access("/sys/kernel/debug/tracing/kprobe_events", W_OK) == 0;
}

enum execve_hook execve_first_hook(void)
{
	return kprobes_available() ? EXECVE_KPROBE : EXECVE_TRACEPOINT;
}

const char *execve_hook_description(enum execve_hook hook)
{
	if (hook == EXECVE_KPROBE)
		return "the kprobe ksyscall/execve";
	return kprobes_available() ? "the tracepoint syscalls/sys_enter_execve (the kprobe could not be attached)"
				   : "the tracepoint syscalls/sys_enter_execve (this kernel has no kprobes)";
}

void execve_hook_select(enum execve_hook hook, struct bpf_program *kprobe, struct bpf_program *tracepoint)
{
	bpf_program__set_autoload(kprobe, hook == EXECVE_KPROBE);
	bpf_program__set_autoload(tracepoint, hook == EXECVE_TRACEPOINT);
}

struct bpf_link *execve_hook_attach(enum execve_hook hook, struct bpf_program *kprobe,
				    struct bpf_program *tracepoint)
{
	/* Both sections name their target (ksyscall/execve,
	 * tracepoint/syscalls/sys_enter_execve): libbpf attaches by section. */
	return bpf_program__attach(hook == EXECVE_KPROBE ? kprobe : tracepoint);
}

int execve_hook_try(const char *name, int (*load_and_attach)(enum execve_hook hook, void *ctx), void *ctx)
{
	enum execve_hook hook = execve_first_hook();
	int err = load_and_attach(hook, ctx);

	if (err && hook == EXECVE_KPROBE) {
		fprintf(stderr, "%s: the kprobe on execve failed (%s); trying the tracepoint\n", name, strerror(-err));
		hook = EXECVE_TRACEPOINT;
		err = load_and_attach(hook, ctx);
	}
	if (err) {
		errno = -err;
		return -1;
	}
	return (int)hook;
}
