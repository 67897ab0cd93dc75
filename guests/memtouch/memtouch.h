/* What memtouch's two modes share: the sweep (main.c) and pages= (pages.c). */
#ifndef MEMTOUCH_H
#define MEMTOUCH_H

#include <stdbool.h>
#include "multiboot.h"

/* Written at a page's first and last word, xor the word's address. */
#define MEMTOUCH_PATTERN 0xA5A5A5A5u

/* With pages=<gpa>,... on the command line: touch those pages only, then
 * end the guest with the verdict.  Returns false if there is no pages=. */
bool memtouch_pages(const struct mb_info *mbi);

#endif
