/* What an exit handler did with the exit (see vmm/vcpu/exit.h). */
#ifndef VMM_EXIT_RESULT_H
#define VMM_EXIT_RESULT_H

enum exit_result {
	EXIT_HANDLED,       /* resume the guest */
	EXIT_UNHANDLED,     /* the caller stops the guest with a VMCS dump */
	EXIT_GUEST_ENDED,   /* the handler ended the guest (guest_end) */
};

#endif
