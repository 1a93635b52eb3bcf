/* maps-ctl, kernel side: an XDP program that reads two values from the map
 * maps_data, which user space updates through its pin in bpffs, reports
 * them in the trace buffer (bpf_printk, as the lab does) and records what
 * it saw in maps_seen. Both maps are pinned by name (LIBBPF_PIN_BY_NAME)
 * under the directory the loader chooses. Every packet passes. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "maps_ctl.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct maps_values);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} maps_data SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct maps_seen);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} maps_seen SEC(".maps");

SEC("xdp")
int maps_prog(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct maps_values *data = bpf_map_lookup_elem(&maps_data, &key);
	struct maps_seen *seen = bpf_map_lookup_elem(&maps_seen, &key);

	(void)ctx;
	if (!data || !seen)
		return XDP_PASS;
	bpf_printk("MAPS_SIMPLE: data->value1:%llu data->value2:%llu", data->value1, data->value2);
	__sync_fetch_and_add(&seen->packets, 1);
	seen->value1 = data->value1;
	seen->value2 = data->value2;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
