/* Linked into the programs the tests trace (the examples' loaders, the
 * integration and bench programs) in a build with ASan: LeakSanitizer
 * cannot check a program that is being ptraced (it stops its own threads
 * with ptrace, and a thread has one tracer), so at exit it aborts with
 * "LeakSanitizer has encountered a fatal error" and the program's status
 * changes. The programs turn it off for themselves; the tracer and every
 * other binary of the build keep it. */
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void) { return 1; }
