/* The records hello-buffer-config and hello-ring-buffer-config share between
 * their BPF programs and their loaders: the per-uid message stored in the map
 * "config" and the event sent to user space on every execve. Included by
 * BPF code (after vmlinux.h) and by user space (after linux/types.h). */
#ifndef HELLO_CONFIG_H
#define HELLO_CONFIG_H

/* 13 bytes, as in the lab documents: "Hi user 501!" and its NUL fit, so
 * `bpftool map dump name config` shows the message as a string. */
#define HELLO_MESSAGE_LEN 13
#define HELLO_COMMAND_LEN 16

struct user_msg_t {
	char message[HELLO_MESSAGE_LEN];
};

struct data_t {
	__u32 pid;
	__u32 uid;
	char command[HELLO_COMMAND_LEN];
	char message[HELLO_MESSAGE_LEN];
};

#endif
