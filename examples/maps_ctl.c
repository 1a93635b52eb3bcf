/* maps-ctl: the pinned-map lab's tool. Loads maps_ctl.bpf.c on an interface
 * (XDP through a BPF link, pinned so that it outlives the tool), updates the
 * two values its program reads through the map's pin in bpffs, shows what the
 * program saw, and removes it all again. Each invocation does one thing and
 * ends; the pins are what connects them.
 *
 *   maps-ctl -d DEV [-S]          load and attach (-S: generic/SKB mode)
 *   maps-ctl -d DEV -u V1 V2      update the values the program reads
 *   maps-ctl -d DEV -s            show the values and what the program saw
 *   maps-ctl -d DEV -r            detach and remove every pin
 * -P DIR puts the pins in DIR (default /sys/fs/bpf/maps-ctl-DEV). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maps_ctl.h"
#include "maps_ctl.skel.h"

enum action { LOAD, UPDATE, SHOW, REMOVE };

struct options {
	enum action action;
	const char *dev;
	unsigned ifindex;
	bool skb_mode;
	__u64 value1, value2;
	char pin_dir[200];
};

static const char *const name = "maps-ctl";

static int fail(const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s\n", name, what, strerror(err));
	return 1;
}

static void pin_path(char *out, size_t size, const struct options *o, const char *leaf)
{
	snprintf(out, size, "%s/%s", o->pin_dir, leaf);
}

static int load(const struct options *o)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .pin_root_path = o->pin_dir);
	LIBBPF_OPTS(bpf_link_create_opts, link_opts, .flags = o->skb_mode ? XDP_FLAGS_SKB_MODE : 0);
	struct bpf_prog_info info = {0};
	__u32 info_len = sizeof(info);
	struct maps_ctl_bpf *skel;
	char link_pin[256];
	int link_fd, err = 0;

	pin_path(link_pin, sizeof(link_pin), o, "link");
	if (access(link_pin, F_OK) == 0) {
		fprintf(stderr, "%s: already loaded on %s (%s exists): remove it with -r\n", name, o->dev, link_pin);
		return 1;
	}
	if (mkdir(o->pin_dir, 0700) != 0 && errno != EEXIST)
		return fail(o->pin_dir, errno);
	skel = maps_ctl_bpf__open_opts(&open_opts);
	if (!skel)
		return fail("cannot open the BPF object", errno);
	/* Loading pins maps_data and maps_seen under pin_dir (or reuses them). */
	if (maps_ctl_bpf__load(skel) != 0) {
		err = errno;
		maps_ctl_bpf__destroy(skel);
		return fail("cannot load the program", err);
	}
	link_fd = bpf_link_create(bpf_program__fd(skel->progs.maps_prog), o->ifindex, BPF_XDP, &link_opts);
	if (link_fd < 0)
		err = errno;
	else if (bpf_obj_pin(link_fd, link_pin) != 0)
		err = errno;
	else
		bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.maps_prog), &info, &info_len);
	if (link_fd >= 0)
		close(link_fd);
	maps_ctl_bpf__destroy(skel);
	if (err)
		return fail(link_fd < 0 ? "cannot attach the program" : "cannot pin the link", err);
	printf("[INFO] loaded maps_prog (id %u) on %s%s; pinned: %s/maps_data, %s/maps_seen, %s\n", info.id, o->dev,
	       o->skb_mode ? " in SKB mode" : "", o->pin_dir, o->pin_dir, link_pin);
	return 0;
}

/* The program attached through the pinned link, as the lab prints it. */
static int show_prog_info(const struct options *o)
{
	struct bpf_link_info link_info = {0};
	struct bpf_prog_info prog_info = {0};
	__u32 link_len = sizeof(link_info), prog_len = sizeof(prog_info);
	char link_pin[256];
	int link_fd, prog_fd, err = 0;

	pin_path(link_pin, sizeof(link_pin), o, "link");
	link_fd = bpf_obj_get(link_pin);
	if (link_fd < 0)
		return fail(link_pin, errno);
	if (bpf_obj_get_info_by_fd(link_fd, &link_info, &link_len) != 0)
		err = errno;
	close(link_fd);
	if (err)
		return fail("cannot read the link's info", err);
	prog_fd = bpf_prog_get_fd_by_id(link_info.prog_id);
	if (prog_fd < 0)
		return fail("cannot open the attached program", errno);
	if (bpf_obj_get_info_by_fd(prog_fd, &prog_info, &prog_len) != 0)
		err = errno;
	else
		printf("[INFO] (prog_info) id:%u name:%s prog_fd:%d\n", prog_info.id, prog_info.name, prog_fd);
	close(prog_fd);
	return err ? fail("cannot read the program's info", err) : 0;
}

static int open_pinned_map(const struct options *o, const char *map)
{
	char path[256];
	int fd;

	pin_path(path, sizeof(path), o, map);
	fd = bpf_obj_get(path);
	if (fd < 0)
		fprintf(stderr, "%s: %s: %s (is the program loaded on %s?)\n", name, path, strerror(errno), o->dev);
	return fd;
}

static int update(const struct options *o)
{
	struct maps_values values = {0};
	__u32 key = 0;
	int fd, err = 0;

	if (show_prog_info(o) != 0 || (fd = open_pinned_map(o, "maps_data")) < 0)
		return 1;
	if (bpf_map_lookup_elem(fd, &key, &values) != 0) {
		err = errno;
	} else {
		printf("[INFO] Lookup: map_fd:%d value1:%llu value2:%llu\n", fd, (unsigned long long)values.value1,
		       (unsigned long long)values.value2);
		values = (struct maps_values){.value1 = o->value1, .value2 = o->value2};
		if (bpf_map_update_elem(fd, &key, &values, BPF_ANY) != 0)
			err = errno;
		else
			printf("[INFO] Update: map_fd:%d value1:%llu value2:%llu\n", fd, (unsigned long long)values.value1,
			       (unsigned long long)values.value2);
	}
	close(fd);
	return err ? fail("cannot read or update maps_data", err) : 0;
}

static int show(const struct options *o)
{
	struct maps_seen seen = {0};
	__u32 key = 0;
	int fd, err = 0;

	if (show_prog_info(o) != 0 || (fd = open_pinned_map(o, "maps_seen")) < 0)
		return 1;
	if (bpf_map_lookup_elem(fd, &key, &seen) != 0)
		err = errno;
	else
		printf("[INFO] Seen by the program: packets:%llu value1:%llu value2:%llu\n",
		       (unsigned long long)seen.packets, (unsigned long long)seen.value1,
		       (unsigned long long)seen.value2);
	close(fd);
	return err ? fail("cannot read maps_seen", err) : 0;
}

/* Detaches through the link, then removes the pins: once the last one is
 * gone, nothing holds the program and the maps any more. */
static int remove_all(const struct options *o)
{
	const char *const pins[] = {"link", "maps_data", "maps_seen"};
	char path[256];
	int link_fd, status = 0;

	pin_path(path, sizeof(path), o, "link");
	link_fd = bpf_obj_get(path);
	if (link_fd < 0)
		return fail(path, errno);
	if (bpf_link_detach(link_fd) != 0)
		status = fail("cannot detach the link", errno);
	close(link_fd);
	for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		pin_path(path, sizeof(path), o, pins[i]);
		if (unlink(path) != 0 && errno != ENOENT)
			status = fail(path, errno);
	}
	if (rmdir(o->pin_dir) != 0)
		status = fail(o->pin_dir, errno);
	if (status == 0)
		printf("[INFO] removed maps_prog from %s and the pins under %s\n", o->dev, o->pin_dir);
	return status;
}

static int usage(FILE *to)
{
	fprintf(to,
		"usage: %s -d DEV [-S] [-P DIR]            load the XDP program on DEV\n"
		"       %s -d DEV -u VALUE1 VALUE2 [-P DIR] update the values it reads\n"
		"       %s -d DEV -s [-P DIR]               show what it saw\n"
		"       %s -d DEV -r [-P DIR]               remove it and its pins\n"
		"  -S      generic (SKB) mode      -P DIR  pin directory (default /sys/fs/bpf/maps-ctl-DEV)\n",
		name, name, name, name);
	return to == stderr ? 2 : 0;
}

static bool parse_u64(const char *text, __u64 *out)
{
	char *end;

	errno = 0;
	*out = strtoull(text, &end, 0);
	return *text != '\0' && *text != '-' && *end == '\0' && errno == 0;
}

static int parse(int argc, char **argv, struct options *o)
{
	const char *pin_dir = NULL;
	int c;

	*o = (struct options){.action = LOAD};
	while ((c = getopt(argc, argv, "d:SursP:h")) != -1) {
		switch (c) {
		case 'd': o->dev = optarg; break;
		case 'S': o->skb_mode = true; break;
		case 'u': o->action = UPDATE; break;
		case 'r': o->action = REMOVE; break;
		case 's': o->action = SHOW; break;
		case 'P': pin_dir = optarg; break;
		case 'h': return usage(stdout);
		default: return usage(stderr);
		}
	}
	if (!o->dev || argc - optind != (o->action == UPDATE ? 2 : 0))
		return usage(stderr);
	if (o->action == UPDATE && (!parse_u64(argv[optind], &o->value1) || !parse_u64(argv[optind + 1], &o->value2))) {
		fprintf(stderr, "%s: VALUE1 and VALUE2 are unsigned 64-bit numbers\n", name);
		return 2;
	}
	/* Only loading needs the interface; the other actions go through the pins. */
	o->ifindex = o->action == LOAD ? if_nametoindex(o->dev) : 0;
	if (o->action == LOAD && o->ifindex == 0) {
		fprintf(stderr, "%s: no interface %s here: %s\n", name, o->dev, strerror(errno));
		return 1;
	}
	if (snprintf(o->pin_dir, sizeof(o->pin_dir), pin_dir ? "%s" : "/sys/fs/bpf/maps-ctl-%s",
		     pin_dir ? pin_dir : o->dev) >= (int)sizeof(o->pin_dir)) {
		fprintf(stderr, "%s: the pin directory's name is too long\n", name);
		return 2;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct options o;
	int status = parse(argc, argv, &o);

	if (status >= 0)
		return status;
	setvbuf(stdout, NULL, _IOLBF, 0);
	switch (o.action) {
	case LOAD: return load(&o);
	case UPDATE: return update(&o);
	case SHOW: return show(&o);
	case REMOVE: return remove_all(&o);
	}
	return 1;
}
