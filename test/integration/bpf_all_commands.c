/* bpf_all_commands LOG: makes every bpf() command of Linux 6.18 (0..37) at
 * least once, for real, and logs each call ("TID COMMAND RESULT") to LOG.
 * Every call either succeeds or fails with a real error from the kernel;
 * the exit status is 0 only if every call that should succeed did (and
 * every call meant to fail failed as expected). It creates and removes a
 * directory under the bpffs and a cgroup under the cgroup2 mount. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "bpfsc_log.h"

#define PTR(p) ((uint64_t)(uintptr_t)(p))
#define OK(call, what) bpfsc_expect_ok((call), (what))
#define ERR(call, e, what) bpfsc_expect_err((call), (e), (what))

/* Members newer than Debian 12's linux/bpf.h. */
struct token_create_attr {        /* BPF_TOKEN_CREATE (6.9) */
    uint32_t flags;
    uint32_t bpffs_fd;
};
struct prog_stream_read_attr {    /* BPF_PROG_STREAM_READ_BY_FD (6.17) */
    uint64_t stream_buf;
    uint32_t stream_buf_len;
    uint32_t stream_id;
    uint32_t prog_fd;
};
#define BPFSC_STREAM_STDOUT 1

static long sys(unsigned cmd, union bpf_attr *attr) { return bpfsc_bpf(cmd, attr, sizeof *attr); }

static union bpf_attr zero(void) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    return a;
}

static int map_create(enum bpf_map_type type, uint32_t key, uint32_t value, uint32_t max, const char *name) {
    union bpf_attr a = zero();
    a.map_type = type;
    a.key_size = key;
    a.value_size = value;
    a.max_entries = max;
    strncpy(a.map_name, name, sizeof a.map_name - 1);
    return (int)OK(sys(BPF_MAP_CREATE, &a), name);
}

static long elem(unsigned cmd, int fd, const void *key, void *value, uint64_t flags) {
    union bpf_attr a = zero();
    a.map_fd = (uint32_t)fd;
    a.key = PTR(key);
    a.value = PTR(value);
    a.flags = flags;
    return sys(cmd, &a);
}

static const struct bpf_insn ret0[] = {
    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
    {.code = BPF_JMP | BPF_EXIT},
};
static const struct bpf_insn ret1[] = {
    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1},
    {.code = BPF_JMP | BPF_EXIT},
};
/* "exit" alone: R0 is never written, the verifier rejects it (EACCES). */
static const struct bpf_insn bad[] = {
    {.code = BPF_JMP | BPF_EXIT},
};

static char verifier_log[4096];

static long prog_load(enum bpf_prog_type type, const struct bpf_insn *insns, uint32_t n, uint32_t attach_type,
                      uint32_t btf_id, const char *name, int with_log) {
    union bpf_attr a = zero();
    a.prog_type = type;
    a.insns = PTR(insns);
    a.insn_cnt = n;
    a.license = PTR("GPL");
    a.expected_attach_type = attach_type;
    a.attach_btf_id = btf_id;
    strncpy(a.prog_name, name, sizeof a.prog_name - 1);
    if (with_log) {
        a.log_level = 1;
        a.log_buf = PTR(verifier_log);
        a.log_size = sizeof verifier_log;
    }
    return sys(BPF_PROG_LOAD, &a);
}

static long get_info(int fd, void *info, uint32_t len) {
    union bpf_attr a = zero();
    a.info.bpf_fd = (uint32_t)fd;
    a.info.info_len = len;
    a.info.info = PTR(info);
    return sys(BPF_OBJ_GET_INFO_BY_FD, &a);
}

static long get_next_id(unsigned cmd, uint32_t start) {
    union bpf_attr a = zero();
    a.start_id = start;
    return sys(cmd, &a);
}

static long get_fd_by_id(unsigned cmd, uint32_t id) {
    union bpf_attr a = zero();
    a.prog_id = id;  /* map_id, btf_id and link_id share the member */
    return sys(cmd, &a);
}

/* The cgroup2 mount: /sys/fs/cgroup on a unified host, elsewhere on hybrid ones. */
static int cgroup2_mount(char *out, size_t len) {
    FILE *f = fopen("/proc/self/mounts", "re");
    if (!f) return -1;
    char dev[256], dir[PATH_MAX], type[64];
    int found = -1;
    while (fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3) {
        if (strcmp(type, "cgroup2") == 0) {
            snprintf(out, len, "%s", dir);
            found = 0;
            break;
        }
    }
    fclose(f);
    return found;
}

/* A minimal BTF blob: the header, one type ("int", 32-bit signed), strings. */
struct minimal_btf {
    struct btf_header hdr;
    struct btf_type int_type;
    uint32_t int_data;
    char strings[5];
} __attribute__((packed));

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s LOG\n", argv[0]);
        return 2;
    }

    /* The iterator's target, found in vmlinux BTF by libbpf (it only parses
     * /sys/kernel/btf/vmlinux: no bpf() call). */
    struct btf *vmlinux = btf__load_vmlinux_btf();
    if (!vmlinux) {
        fprintf(stderr, "cannot load vmlinux BTF\n");
        return 2;
    }
    const int iter_btf_id = btf__find_by_name_kind(vmlinux, "bpf_iter_bpf_map", BTF_KIND_FUNC);
    btf__free(vmlinux);
    if (iter_btf_id <= 0) {
        fprintf(stderr, "no FUNC bpf_iter_bpf_map in vmlinux BTF\n");
        return 2;
    }

    char pin_dir[PATH_MAX], pin_path[PATH_MAX + 8], cg_root[PATH_MAX], cg_dir[PATH_MAX + 64];
    snprintf(pin_dir, sizeof pin_dir, "/sys/fs/bpf/bpfsc-integ-%d", (int)getpid());
    snprintf(pin_path, sizeof pin_path, "%s/config", pin_dir);
    if (cgroup2_mount(cg_root, sizeof cg_root) != 0) {
        fprintf(stderr, "no cgroup2 mount\n");
        return 2;
    }
    snprintf(cg_dir, sizeof cg_dir, "%s/bpfsc-integ-%d", cg_root, (int)getpid());
    if (mkdir(pin_dir, 0700) != 0) {
        fprintf(stderr, "mkdir %s: %s\n", pin_dir, strerror(errno));
        return 2;
    }
    if (mkdir(cg_dir, 0755) != 0) {
        fprintf(stderr, "mkdir %s: %s\n", cg_dir, strerror(errno));
        rmdir(pin_dir);
        return 2;
    }
    const int cg_fd = open(cg_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const int bpffs_fd = open("/sys/fs/bpf", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg_fd < 0 || bpffs_fd < 0) bpfsc_failed("open the cgroup or bpffs directory");

    bpfsc_log_open(argv[1]);

    /* --- maps: create, element commands, freeze --------------------------- */
    const int hash = map_create(BPF_MAP_TYPE_HASH, 4, 13, 16, "config");
    const int array = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, "counts");
    const int queue = map_create(BPF_MAP_TYPE_QUEUE, 0, 4, 4, "jobs");

    uint32_t key = 501;
    char value[13] = "Hi user 501!";
    OK(elem(BPF_MAP_UPDATE_ELEM, hash, &key, value, BPF_ANY), "update 501");
    key = 502;
    OK(elem(BPF_MAP_UPDATE_ELEM, hash, &key, value, BPF_ANY), "update 502");
    key = 503;
    OK(elem(BPF_MAP_UPDATE_ELEM, hash, &key, value, BPF_ANY), "update 503");
    ERR(elem(BPF_MAP_UPDATE_ELEM, hash, &key, value, BPF_NOEXIST), EEXIST, "update 503 NOEXIST");
    key = 501;
    OK(elem(BPF_MAP_LOOKUP_ELEM, hash, &key, value, 0), "lookup 501");
    key = 999;
    ERR(elem(BPF_MAP_LOOKUP_ELEM, hash, &key, value, 0), ENOENT, "lookup 999");

    /* Walk the keys: three of them, then ENOENT. */
    uint32_t next = 0;
    int walked = 0;
    for (const void *k = NULL;; k = &next) {
        uint32_t cur = next;
        const long r = elem(BPF_MAP_GET_NEXT_KEY, hash, k ? &cur : NULL, &next, 0);
        if (r < 0) {
            ERR(r, ENOENT, "get_next_key at the end");
            break;
        }
        if (++walked > 3) break;
    }
    if (walked != 3) bpfsc_failed("the key walk did not find exactly 3 keys");

    key = 502;
    OK(elem(BPF_MAP_DELETE_ELEM, hash, &key, NULL, 0), "delete 502");
    ERR(elem(BPF_MAP_DELETE_ELEM, hash, &key, NULL, 0), ENOENT, "delete 502 again");

    uint32_t job = 7;
    OK(elem(BPF_MAP_UPDATE_ELEM, queue, NULL, &job, BPF_ANY), "push 7");
    job = 8;
    OK(elem(BPF_MAP_UPDATE_ELEM, queue, NULL, &job, BPF_ANY), "push 8");
    job = 0;
    OK(elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, queue, NULL, &job, 0), "pop");
    if (job != 7) bpfsc_failed("the queue did not pop 7");

    uint64_t count = 42;
    key = 1;
    OK(elem(BPF_MAP_UPDATE_ELEM, array, &key, &count, BPF_ANY), "array update");

    /* --- batches ---------------------------------------------------------- */
    uint32_t bkeys[3] = {601, 602, 603};
    char bvalues[3][13] = {"six-oh-one", "six-oh-two", "six-oh-three"};
    uint32_t out_batch = 0;
    union bpf_attr a = zero();
    a.batch.keys = PTR(bkeys);
    a.batch.values = PTR(bvalues);
    a.batch.count = 3;
    a.batch.map_fd = (uint32_t)hash;
    OK(sys(BPF_MAP_UPDATE_BATCH, &a), "update batch");
    a = zero();
    a.batch.keys = PTR(bkeys);
    a.batch.count = 2;
    a.batch.map_fd = (uint32_t)hash;
    OK(sys(BPF_MAP_DELETE_BATCH, &a), "delete batch");

    uint32_t akeys[4];
    uint64_t avalues[4];
    a = zero();
    a.batch.out_batch = PTR(&out_batch);
    a.batch.keys = PTR(akeys);
    a.batch.values = PTR(avalues);
    a.batch.count = 2;  /* of 4: stops early with 0 */
    a.batch.map_fd = (uint32_t)array;
    OK(sys(BPF_MAP_LOOKUP_BATCH, &a), "lookup batch");

    /* Room for all: it reaches the end, which it reports as ENOENT (count=3). */
    uint32_t hkeys[16];
    char hvalues[16][13];
    a = zero();
    a.batch.out_batch = PTR(&out_batch);
    a.batch.keys = PTR(hkeys);
    a.batch.values = PTR(hvalues);
    a.batch.count = 16;
    a.batch.map_fd = (uint32_t)hash;
    ERR(sys(BPF_MAP_LOOKUP_AND_DELETE_BATCH, &a), ENOENT, "lookup and delete batch");
    if (a.batch.count != 3) bpfsc_failed("lookup and delete batch did not return 3 entries");

    OK(sys(BPF_MAP_FREEZE, &(union bpf_attr){.map_fd = (uint32_t)array}), "freeze");
    ERR(elem(BPF_MAP_UPDATE_ELEM, array, &key, &count, BPF_ANY), EPERM, "update a frozen map");

    /* --- BTF -------------------------------------------------------------- */
    struct minimal_btf blob = {
        .hdr = {.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(struct btf_header),
                .type_off = 0, .type_len = sizeof(struct btf_type) + sizeof(uint32_t),
                .str_off = sizeof(struct btf_type) + sizeof(uint32_t), .str_len = 5},
        .int_type = {.name_off = 1, .info = BTF_KIND_INT << 24, .size = 4},
        .int_data = (BTF_INT_SIGNED << 24) | 32,
        .strings = "\0int",
    };
    a = zero();
    a.btf = PTR(&blob);
    a.btf_size = sizeof blob;
    const int btf = (int)OK(sys(BPF_BTF_LOAD, &a), "btf load");

    /* --- programs --------------------------------------------------------- */
    const int sockf = (int)OK(prog_load(BPF_PROG_TYPE_SOCKET_FILTER, ret0, 2, 0, 0, "sockf", 0), "load sockf");
    ERR(prog_load(BPF_PROG_TYPE_SOCKET_FILTER, bad, 1, 0, 0, "rejected", 1), EACCES, "load a rejected prog");
    const int skb1 = (int)OK(prog_load(BPF_PROG_TYPE_CGROUP_SKB, ret1, 2, BPF_CGROUP_INET_INGRESS, 0, "skb1", 0), "skb1");
    const int skb2 = (int)OK(prog_load(BPF_PROG_TYPE_CGROUP_SKB, ret1, 2, BPF_CGROUP_INET_INGRESS, 0, "skb2", 0), "skb2");
    const int rawtp = (int)OK(prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, ret0, 2, 0, 0, "rawtp", 0), "rawtp");
    const int iter = (int)OK(prog_load(BPF_PROG_TYPE_TRACING, ret0, 2, BPF_TRACE_ITER, (uint32_t)iter_btf_id, "iter", 1),
                             "iter prog");

    /* --- pin and get ------------------------------------------------------ */
    a = zero();
    a.pathname = PTR(pin_path);
    a.bpf_fd = (uint32_t)hash;
    OK(sys(BPF_OBJ_PIN, &a), "pin");
    ERR(sys(BPF_OBJ_PIN, &a), EEXIST, "pin again");
    a = zero();
    a.pathname = PTR(pin_path);
    const int pinned = (int)OK(sys(BPF_OBJ_GET, &a), "obj get");
    char missing[PATH_MAX + 16];
    snprintf(missing, sizeof missing, "%s/missing", pin_dir);
    a.pathname = PTR(missing);
    ERR(sys(BPF_OBJ_GET, &a), ENOENT, "obj get missing");

    /* --- info, ids -------------------------------------------------------- */
    struct bpf_map_info map_info;
    struct bpf_prog_info prog_info;
    struct bpf_btf_info btf_info;
    memset(&map_info, 0, sizeof map_info);
    memset(&prog_info, 0, sizeof prog_info);
    memset(&btf_info, 0, sizeof btf_info);
    OK(get_info(hash, &map_info, sizeof map_info), "map info");
    OK(get_info(sockf, &prog_info, sizeof prog_info), "prog info");
    OK(get_info(btf, &btf_info, sizeof btf_info), "btf info");
    if (map_info.key_size != 4 || map_info.value_size != 13 || strcmp(map_info.name, "config") != 0)
        bpfsc_failed("map info is not the config map's");

    /* Each kind has at least our own object, so a walk from 0 finds one. */
    OK(get_next_id(BPF_MAP_GET_NEXT_ID, 0), "map next id");
    OK(get_next_id(BPF_PROG_GET_NEXT_ID, 0), "prog next id");
    OK(get_next_id(BPF_BTF_GET_NEXT_ID, 0), "btf next id");
    const int map_by_id = (int)OK(get_fd_by_id(BPF_MAP_GET_FD_BY_ID, map_info.id), "map by id");
    const int prog_by_id = (int)OK(get_fd_by_id(BPF_PROG_GET_FD_BY_ID, prog_info.id), "prog by id");
    const int btf_by_id = (int)OK(get_fd_by_id(BPF_BTF_GET_FD_BY_ID, btf_info.id), "btf by id");

    /* --- cgroup attach, query, detach ------------------------------------- */
    a = zero();
    a.target_fd = (uint32_t)cg_fd;
    a.attach_bpf_fd = (uint32_t)skb1;
    a.attach_type = BPF_CGROUP_INET_INGRESS;
    OK(sys(BPF_PROG_ATTACH, &a), "prog attach");
    uint32_t prog_ids[4] = {0};
    a = zero();
    a.query.target_fd = (uint32_t)cg_fd;
    a.query.attach_type = BPF_CGROUP_INET_INGRESS;
    a.query.prog_ids = PTR(prog_ids);
    a.query.prog_cnt = 4;
    OK(sys(BPF_PROG_QUERY, &a), "prog query");
    if (a.query.prog_cnt != 1) bpfsc_failed("prog query did not find the one program");
    a = zero();
    a.target_fd = (uint32_t)cg_fd;
    a.attach_bpf_fd = (uint32_t)skb1;
    a.attach_type = BPF_CGROUP_INET_INGRESS;
    OK(sys(BPF_PROG_DETACH, &a), "prog detach");

    /* --- test run --------------------------------------------------------- */
    unsigned char pkt[64], pkt_out[64];
    memset(pkt, 0xab, sizeof pkt);
    a = zero();
    a.test.prog_fd = (uint32_t)sockf;
    a.test.data_in = PTR(pkt);
    a.test.data_size_in = sizeof pkt;
    a.test.data_out = PTR(pkt_out);
    a.test.data_size_out = sizeof pkt_out;
    a.test.repeat = 1;
    OK(sys(BPF_PROG_TEST_RUN, &a), "test run");

    /* --- raw tracepoint, task fd query ------------------------------------ */
    a = zero();
    a.raw_tracepoint.name = PTR("sys_enter");
    a.raw_tracepoint.prog_fd = (uint32_t)rawtp;
    const int tp = (int)OK(sys(BPF_RAW_TRACEPOINT_OPEN, &a), "raw tracepoint open");
    char tp_name[64];
    a = zero();
    a.task_fd_query.pid = (uint32_t)getpid();
    a.task_fd_query.fd = (uint32_t)tp;
    a.task_fd_query.buf = PTR(tp_name);
    a.task_fd_query.buf_len = sizeof tp_name;
    OK(sys(BPF_TASK_FD_QUERY, &a), "task fd query");
    if (a.task_fd_query.fd_type != BPF_FD_TYPE_RAW_TRACEPOINT || strcmp(tp_name, "sys_enter") != 0)
        bpfsc_failed("task fd query did not describe the raw tracepoint");

    /* --- a cgroup link: create, update, by id, detach --------------------- */
    a = zero();
    a.link_create.prog_fd = (uint32_t)skb1;
    a.link_create.target_fd = (uint32_t)cg_fd;
    a.link_create.attach_type = BPF_CGROUP_INET_INGRESS;
    const int link = (int)OK(sys(BPF_LINK_CREATE, &a), "link create");
    a = zero();
    a.link_update.link_fd = (uint32_t)link;
    a.link_update.new_prog_fd = (uint32_t)skb2;
    OK(sys(BPF_LINK_UPDATE, &a), "link update");
    struct bpf_link_info link_info;
    memset(&link_info, 0, sizeof link_info);
    OK(get_info(link, &link_info, sizeof link_info), "link info");
    OK(get_next_id(BPF_LINK_GET_NEXT_ID, 0), "link next id");
    const int link_by_id = (int)OK(get_fd_by_id(BPF_LINK_GET_FD_BY_ID, link_info.id), "link by id");
    a = zero();
    a.link_detach.link_fd = (uint32_t)link;
    OK(sys(BPF_LINK_DETACH, &a), "link detach");

    /* --- an iterator over maps -------------------------------------------- */
    a = zero();
    a.link_create.prog_fd = (uint32_t)iter;
    a.link_create.attach_type = BPF_TRACE_ITER;
    const int iter_link = (int)OK(sys(BPF_LINK_CREATE, &a), "iter link create");
    a = zero();
    a.iter_create.link_fd = (uint32_t)iter_link;
    const int iter_fd = (int)OK(sys(BPF_ITER_CREATE, &a), "iter create");
    if (iter_fd >= 0) {
        char buf[256];
        ssize_t n;
        while ((n = read(iter_fd, buf, sizeof buf)) > 0) {
        }
        if (n < 0) bpfsc_failed("read the iterator");
    }

    /* --- stats, bind map, token, stream ----------------------------------- */
    a = zero();
    a.enable_stats.type = BPF_STATS_RUN_TIME;
    const int stats = (int)OK(sys(BPF_ENABLE_STATS, &a), "enable stats");
    a = zero();
    a.prog_bind_map.prog_fd = (uint32_t)sockf;
    a.prog_bind_map.map_fd = (uint32_t)array;
    OK(sys(BPF_PROG_BIND_MAP, &a), "prog bind map");
    /* No delegation is set up on this bpffs: the kernel refuses the token. */
    struct token_create_attr token = {.flags = 0, .bpffs_fd = (uint32_t)bpffs_fd};
    bpfsc_expect_fail(bpfsc_bpf(BPFSC_BPF_TOKEN_CREATE, &token, sizeof token), "token create");
    char stream[256];
    struct prog_stream_read_attr sr = {
        .stream_buf = PTR(stream), .stream_buf_len = sizeof stream, .stream_id = BPFSC_STREAM_STDOUT,
        .prog_fd = (uint32_t)sockf};
    OK(bpfsc_bpf(BPFSC_BPF_PROG_STREAM_READ_BY_FD, &sr, sizeof sr), "prog stream read");

    /* --- clean up ---------------------------------------------------------- */
    const int fds[] = {hash, array, queue, btf, sockf, skb1, skb2, rawtp, iter, pinned, map_by_id, prog_by_id,
                       btf_by_id, tp, link, link_by_id, iter_link, iter_fd, stats, cg_fd, bpffs_fd};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; ++i)
        if (fds[i] >= 0) close(fds[i]);
    if (unlink(pin_path) != 0) bpfsc_failed("unlink the pin");
    if (rmdir(pin_dir) != 0) bpfsc_failed("rmdir the bpffs directory");
    if (rmdir(cg_dir) != 0) bpfsc_failed("rmdir the cgroup");
    return bpfsc_all_ok() ? 0 : 1;
}
