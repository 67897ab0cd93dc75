/*
 * QEMU's firmware configuration device (fw_cfg), the legacy I/O-port
 * interface only, so that firmware and kernels written for QEMU (SeaBIOS,
 * OVMF, Linux's qemu_fw_cfg) find their way around a guest.
 *
 * Protocol (QEMU docs/specs/fw_cfg.rst, "Selector (Control) Register" and
 * "Data Register"): write a 16-bit key to the selector at 0x510; then read
 * the item one byte at a time from 0x511, each read advancing the offset;
 * reads past the end return 0.  Selecting a key rewinds to offset 0.
 *
 * Items:
 *   0x0000  signature "QEMU"
 *   0x0001  feature bitmap, le32: 1 = traditional interface (no DMA)
 *   0x0003  RAM size in bytes, le64
 *   0x0005  number of CPUs, le16     (0x000f max CPUs, the same value)
 *   0x0019  file directory: be32 count, then per file
 *           { be32 size; be16 select; be16 reserved; char name[56]; }
 *   0x0020+ the registered files, in registration order
 * Any other key is an empty item (reads as zeros).  Writes to the data
 * port are ignored (the legacy write path is deprecated in QEMU).
 */
#ifndef VMM_FWCFG_H
#define VMM_FWCFG_H

#include <stdint.h>
#include <stdbool.h>

#define FWCFG_BASE_PORT   0x510
#define FWCFG_NPORTS      2
#define FWCFG_PORT_SEL    0     /* offsets from FWCFG_BASE_PORT */
#define FWCFG_PORT_DATA   1

/* Keys, from QEMU's include/standard-headers/linux/qemu_fw_cfg.h. */
#define FWCFG_SIGNATURE   0x0000
#define FWCFG_ID          0x0001
#define FWCFG_RAM_SIZE    0x0003
#define FWCFG_NB_CPUS     0x0005
#define FWCFG_MAX_CPUS    0x000f
#define FWCFG_FILE_DIR    0x0019
#define FWCFG_FILE_FIRST  0x0020

#define FWCFG_ID_TRADITIONAL 0x1
#define FWCFG_MAX_FILES   8
#define FWCFG_NAME_LEN    56    /* including the terminating NUL */

/* One directory entry exactly as the guest reads it (big-endian fields). */
struct fwcfg_dir_entry {
	uint32_t size_be;
	uint16_t select_be;
	uint16_t reserved;
	char name[FWCFG_NAME_LEN];
};
_Static_assert(sizeof(struct fwcfg_dir_entry) == 64,
	       "fw_cfg directory entry is 64 bytes (fw_cfg.rst, FWCfgFile)");

struct fwcfg_file {
	char name[FWCFG_NAME_LEN];
	const void *data;       /* not copied: must outlive the device */
	uint32_t len;
};

struct fwcfg {
	uint16_t selector;
	uint32_t offset;
	uint64_t ram_size;
	uint16_t nb_cpus;
	struct fwcfg_file files[FWCFG_MAX_FILES];
	unsigned nfiles;
};

void fwcfg_init(struct fwcfg *f, uint64_t ram_size, uint16_t nb_cpus);

/*
 * Publish a file (e.g. "etc/e820", "opt/hv/config").  data is kept by
 * reference.  Returns the item's selector key (0x20 + index), or -1 if the
 * name is empty, too long (55 chars max), already present, or the table
 * is full.
 */
int fwcfg_add_file(struct fwcfg *f, const char *name, const void *data,
		   uint32_t len);

/*
 * port_offset 0 = selector: a 16-bit write selects a key (a byte write
 * selects 0x00-0xff); reads as 0.  port_offset 1 = data: byte reads; a
 * wider read returns that many consecutive item bytes, little-endian.
 */
uint32_t fwcfg_read(struct fwcfg *f, uint16_t port_offset, unsigned size);
void fwcfg_write(struct fwcfg *f, uint16_t port_offset, unsigned size,
		 uint32_t value);

#endif
