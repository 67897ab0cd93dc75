/* The register dump (see regdump.h). */
#include "lib/regdump.h"
#include "hv/log.h"

static const char *const names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8 ", "r9 ", "r10", "r11", "r12", "r13", "r14", "r15",
};

void log_gprs(const char *prefix, const uint64_t gpr[16])
{
	for (int i = 0; i < 16; i += 4)
		log_printf("%s%s %016llx %s %016llx %s %016llx %s %016llx\n", prefix,
			   names[i], (unsigned long long)gpr[i], names[i + 1], (unsigned long long)gpr[i + 1],
			   names[i + 2], (unsigned long long)gpr[i + 2], names[i + 3], (unsigned long long)gpr[i + 3]);
}
