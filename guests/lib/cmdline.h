/*
 * The guest command line: the Multiboot cmdline string, a list of
 * space-separated words, some of the form key=value (e.g. "case=oob").
 * Loaders usually put the image's path first; it is just another word.
 */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "multiboot.h"

/* Remember the command line from the Multiboot info ("" if none). */
void cmdline_init(const struct mb_info *mbi);

/* The whole command line. */
const char *cmdline_get(void);

/* Copy the value of key=value into out (NUL-terminated, truncated to
 * size - 1); false if the key is absent. */
bool cmdline_value(const char *key, char *out, size_t size);

/* Parse the value of key as a number (0x... hex, else decimal). */
bool cmdline_number(const char *key, uint64_t *out);

/* Parse a whole string as a number (0x... hex, else decimal). */
bool cmdline_parse_number(const char *s, uint64_t *out);

#endif
