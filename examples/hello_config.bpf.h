/* The part of the hello-*-config BPF programs that does not depend on how
 * events reach user space: the map "config" (uid -> message, with BTF for
 * its key and value) and the filling of one event for the current task. */
#ifndef HELLO_CONFIG_BPF_H
#define HELLO_CONFIG_BPF_H

/* The running kernel's types. 6.18's include a typedef named `config`,
 * which would clash with the map of that name: it is renamed on the way in. */
#define config vmlinux_config
#include "vmlinux.h"
#undef config
#include <bpf/bpf_helpers.h>

#include "hello_config.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct user_msg_t);
} config SEC(".maps");

/* "Hello World", the message for uids user space configured none for,
 * written a byte at a time into a zeroed event: a string literal would leave
 * a .rodata.str1.1 section that libbpf turns into one more map (created,
 * filled and frozen in every trace of the loader). */
static __always_inline void set_default_message(char *m)
{
	m[0] = 'H'; m[1] = 'e'; m[2] = 'l'; m[3] = 'l'; m[4] = 'o'; m[5] = ' ';
	m[6] = 'W'; m[7] = 'o'; m[8] = 'r'; m[9] = 'l'; m[10] = 'd';
}

/* Who called execve, and the message configured for their uid. *data must
 * be zeroed. */
static __always_inline void fill_event(struct data_t *data)
{
	struct user_msg_t *configured;

	data->pid = bpf_get_current_pid_tgid() >> 32;
	data->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(&data->command, sizeof(data->command));
	configured = bpf_map_lookup_elem(&config, &data->uid);
	if (configured)
		__builtin_memcpy(data->message, configured->message, sizeof(data->message));
	else
		set_default_message(data->message);
}

char LICENSE[] SEC("license") = "GPL";

#endif
