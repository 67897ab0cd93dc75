/* Printing a register file, the same way for host traps and guest exits. */
#ifndef LIB_REGDUMP_H
#define LIB_REGDUMP_H

#include "hv/types.h"

/* The 16 general registers in architectural order (rax rcx rdx rbx rsp
 * rbp rsi rdi r8..r15), four to a line, each line starting with prefix. */
void log_gprs(const char *prefix, const uint64_t gpr[16]);

#endif
