/* Where the hello-*-config loaders attach their program: a kprobe on the
 * execve syscall where the kernel has kprobes, otherwise the
 * syscalls/sys_enter_execve tracepoint. The BPF object carries one program
 * for each; the loader loads only the chosen one (autoload). */
#ifndef EXECVE_HOOK_H
#define EXECVE_HOOK_H

#include <bpf/libbpf.h>
#include <stdbool.h>

enum execve_hook { EXECVE_KPROBE, EXECVE_TRACEPOINT };

/* The kprobe where the kernel can create kprobes, else the tracepoint. */
enum execve_hook execve_first_hook(void);

/* "the kprobe ksyscall/execve" or "the tracepoint syscalls/sys_enter_execve",
 * with why it was chosen. */
const char *execve_hook_description(enum execve_hook hook);

/* Loads only the program of this hook when the object is loaded. */
void execve_hook_select(enum execve_hook hook, struct bpf_program *kprobe, struct bpf_program *tracepoint);

/* Attaches the program of this hook; NULL (errno set) if it cannot. */
struct bpf_link *execve_hook_attach(enum execve_hook hook, struct bpf_program *kprobe,
				    struct bpf_program *tracepoint);

/* Calls load_and_attach(hook, ctx) with the first hook and, if that was the
 * kprobe and it failed, says so on stderr and calls it again with the
 * tracepoint. load_and_attach returns 0 or a negative errno and leaves
 * nothing loaded when it fails. Returns the hook used, or -1 with errno set. */
int execve_hook_try(const char *name, int (*load_and_attach)(enum execve_hook hook, void *ctx), void *ctx);

#endif
