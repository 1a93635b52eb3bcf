/* hello-ring-buffer-config, kernel side: hello-buffer-config with a ring
 * buffer instead of a perf event array (one buffer shared by all CPUs,
 * events reserved in place). Same two entry points: kprobe or tracepoint. */
#include "hello_config.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} output SEC(".maps");

static __always_inline int send_event(void)
{
	struct data_t *data = bpf_ringbuf_reserve(&output, sizeof(*data), 0);

	if (!data)
		return 0;
	__builtin_memset(data, 0, sizeof(*data));
	fill_event(data);
	bpf_ringbuf_submit(data, 0);
	return 0;
}

SEC("ksyscall/execve")
int hello_kprobe(struct pt_regs *ctx)
{
	return send_event();
}

SEC("tracepoint/syscalls/sys_enter_execve")
int hello_tracepoint(struct trace_event_raw_sys_enter *ctx)
{
	return send_event();
}
