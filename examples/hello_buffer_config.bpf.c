/* hello-buffer-config, kernel side: on every execve, send who called it and
 * the message configured for their uid through a perf event array. Two
 * entry points with the same body: a kprobe on the execve syscall and the
 * syscalls/sys_enter_execve tracepoint; the loader loads one of them. */
#include "hello_config.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} output SEC(".maps");

static __always_inline int send_event(void *ctx)
{
	struct data_t data = {};

	fill_event(&data);
	bpf_perf_event_output(ctx, &output, BPF_F_CURRENT_CPU, &data, sizeof(data));
	return 0;
}

SEC("ksyscall/execve")
int hello_kprobe(struct pt_regs *ctx)
{
	return send_event(ctx);
}

SEC("tracepoint/syscalls/sys_enter_execve")
int hello_tracepoint(struct trace_event_raw_sys_enter *ctx)
{
	return send_event(ctx);
}
