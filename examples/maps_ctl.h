/* The values maps-ctl's XDP program reads from the pinned map maps_data
 * (written from user space) and what it saw, kept in the pinned map
 * maps_seen. Shared by maps_ctl.bpf.c (after vmlinux.h) and maps_ctl.c. */
#ifndef MAPS_CTL_H
#define MAPS_CTL_H

struct maps_values {
	__u64 value1;
	__u64 value2;
};

struct maps_seen {
	__u64 packets;    /* packets the program has seen */
	__u64 value1;     /* the values it read for the last one */
	__u64 value2;
};

#endif
