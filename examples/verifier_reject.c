/* verifier-reject: a loader whose program the verifier rejects, and which
 * asks for no log: bpf(BPF_PROG_LOAD) with log_level 0 and no log_buf, so the
 * kernel answers EACCES and nothing more. (libbpf's bpf_object loading would
 * retry a failed load with a log of its own; bpf_prog_load() does not, when
 * it is given no log buffer.) With --log it loads a second time asking for
 * the verifier's log, and prints it.
 *
 * The program looks a key up in a hash map and reads the value without
 * checking the lookup's result for NULL, which the verifier refuses. Exits 1
 * when the program is rejected, as it should be; 3 if it were accepted. */
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const name = "verifier-reject";

/* Instructions built by hand (the uapi has no constructors for them). */
static struct bpf_insn insn(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	return (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

enum { R0, R1, R2, R10 = 10 };

/* r0 = *(u64 *)bpf_map_lookup_elem(map, &(u32){0}), with no NULL check. */
static unsigned build_program(struct bpf_insn *p, int map_fd)
{
	unsigned n = 0;

	p[n++] = insn(BPF_ST | BPF_MEM | BPF_W, R10, 0, -4, 0);               /* *(u32 *)(r10 - 4) = 0 */
	p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, R2, R10, 0, 0);            /* r2 = r10 */
	p[n++] = insn(BPF_ALU64 | BPF_ADD | BPF_K, R2, 0, 0, -4);             /* r2 += -4: &key */
	p[n++] = insn(BPF_LD | BPF_IMM | BPF_DW, R1, BPF_PSEUDO_MAP_FD, 0, map_fd); /* r1 = map */
	p[n++] = insn(0, 0, 0, 0, 0);                                         /* (second half of ld_imm64) */
	p[n++] = insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem); /* r0 = value or NULL */
	p[n++] = insn(BPF_LDX | BPF_MEM | BPF_DW, R0, R0, 0, 0);              /* r0 = *(u64 *)r0: may be NULL */
	p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 0);              /* r0 = 0 */
	p[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

static int load(const struct bpf_insn *insns, unsigned count, char *log, size_t log_size)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = log, .log_size = log ? log_size : 0,
		    .log_level = log ? 1 : 0);

	return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "reject_me", "GPL", insns, count, &opts);
}

int main(int argc, char **argv)
{
	static char log[64 * 1024];
	struct bpf_insn insns[16];
	int with_log = argc == 2 && strcmp(argv[1], "--log") == 0;
	int map_fd, prog_fd, err;
	unsigned count;

	if (argc > 2 || (argc == 2 && !with_log)) {
		fprintf(stderr, "usage: %s [--log]\n", name);
		return 2;
	}
	map_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "values", sizeof(__u32), sizeof(__u64), 1, NULL);
	if (map_fd < 0) {
		fprintf(stderr, "%s: cannot create the map: %s\n", name, strerror(errno));
		return 1;
	}
	count = build_program(insns, map_fd);
	prog_fd = load(insns, count, NULL, 0);
	if (prog_fd >= 0) {
		fprintf(stderr, "%s: the verifier accepted a program that reads a map value without a NULL check\n",
			name);
		close(prog_fd);
		close(map_fd);
		return 3;
	}
	err = errno;
	fprintf(stderr,
		"%s: the verifier rejected the program reject_me: %s (%s). No log was asked for (log_level 0,\n"
		"no log_buf), so that is all the kernel says; run `%s --log` to see the verifier's reasons.\n",
		name, strerrorname_np(err) ? strerrorname_np(err) : "?", strerror(err), name);
	if (with_log) {
		prog_fd = load(insns, count, log, sizeof(log));
		fprintf(stderr, "%s: with a log (log_level 1): %s; the verifier says:\n%s", name,
			prog_fd < 0 ? strerror(errno) : "accepted", log);
		if (prog_fd >= 0)
			close(prog_fd);
	}
	close(map_fd);
	return 1;
}
