/*
 * fw_cfg legacy I/O interface; see fwcfg.h.  Items are not materialised:
 * each data read computes the one byte at the current offset, so the
 * device holds no buffers besides the caller's file data.
 */
#include "vmm/dev/fwcfg.h"
#include "hv/string.h"

void fwcfg_init(struct fwcfg *f, uint64_t ram_size, uint16_t nb_cpus)
{
	memset(f, 0, sizeof(*f));
	f->ram_size = ram_size;
	f->nb_cpus = nb_cpus;
}

static bool has_file(const struct fwcfg *f, const char *name)
{
	for (unsigned i = 0; i < f->nfiles; i++)
		if (strcmp(f->files[i].name, name) == 0)
			return true;
	return false;
}

int fwcfg_add_file(struct fwcfg *f, const char *name, const void *data,
		   uint32_t len)
{
	struct fwcfg_file *file;
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n >= FWCFG_NAME_LEN || f->nfiles == FWCFG_MAX_FILES ||
	    has_file(f, name))
		return -1;
	file = &f->files[f->nfiles];
	memset(file->name, 0, sizeof(file->name));
	memcpy(file->name, name, n);
	file->data = data;
	file->len = len;
	return FWCFG_FILE_FIRST + (int)f->nfiles++;
}

/* Byte i of v stored little-endian / big-endian in width bytes. */
static uint8_t le_byte(uint64_t v, uint32_t i)
{
	return (uint8_t)(v >> (8 * i));
}

static uint8_t be_byte(uint64_t v, unsigned width, uint32_t i)
{
	return (uint8_t)(v >> (8 * (width - 1 - i)));
}

/* Byte b of directory entry e. */
static uint8_t dir_entry_byte(const struct fwcfg *f, unsigned e, uint32_t b)
{
	const struct fwcfg_file *file = &f->files[e];

	if (b < 4)
		return be_byte(file->len, 4, b);
	if (b < 6)
		return be_byte(FWCFG_FILE_FIRST + e, 2, b - 4);
	if (b < 8)
		return 0;
	return (uint8_t)file->name[b - 8];
}

static uint8_t dir_byte(const struct fwcfg *f, uint32_t off)
{
	const uint32_t entry = sizeof(struct fwcfg_dir_entry);

	if (off < 4)
		return be_byte(f->nfiles, 4, off);
	off -= 4;
	if (off / entry >= f->nfiles)
		return 0;
	return dir_entry_byte(f, off / entry, off % entry);
}

static uint8_t file_byte(const struct fwcfg *f, unsigned idx, uint32_t off)
{
	const struct fwcfg_file *file = &f->files[idx];

	if (idx >= f->nfiles || off >= file->len)
		return 0;
	return ((const uint8_t *)file->data)[off];
}

/* Byte off of the selected item; 0 past its end or for unknown keys. */
static uint8_t item_byte(const struct fwcfg *f, uint16_t key, uint32_t off)
{
	static const char sig[4] = { 'Q', 'E', 'M', 'U' };

	switch (key) {
	case FWCFG_SIGNATURE:
		return off < 4 ? (uint8_t)sig[off] : 0;
	case FWCFG_ID:
		return off < 4 ? le_byte(FWCFG_ID_TRADITIONAL, off) : 0;
	case FWCFG_RAM_SIZE:
		return off < 8 ? le_byte(f->ram_size, off) : 0;
	case FWCFG_NB_CPUS:
	case FWCFG_MAX_CPUS:
		return off < 2 ? le_byte(f->nb_cpus, off) : 0;
	case FWCFG_FILE_DIR:
		return dir_byte(f, off);
	default:
		if (key >= FWCFG_FILE_FIRST &&
		    key < FWCFG_FILE_FIRST + FWCFG_MAX_FILES)
			return file_byte(f, key - FWCFG_FILE_FIRST, off);
		return 0;
	}
}

/* The offset saturates rather than wrapping back into the item. */
static uint8_t read_data(struct fwcfg *f)
{
	uint8_t b = item_byte(f, f->selector, f->offset);

	if (f->offset != UINT32_MAX)
		f->offset++;
	return b;
}

/* Only the data port returns item bytes; a wide read there takes that
 * many consecutive bytes.  The selector reads as 0, anything else 0xff. */
uint32_t fwcfg_read(struct fwcfg *f, uint16_t port_offset, unsigned size)
{
	uint32_t v = 0;

	if (port_offset == FWCFG_PORT_SEL)
		return 0;
	if (port_offset != FWCFG_PORT_DATA)
		return 0xffffffffu >> (8 * (4 - (size > 4 ? 4 : size)));
	for (unsigned i = 0; i < size && i < 4; i++)
		v |= (uint32_t)read_data(f) << (8 * i);
	return v;
}

void fwcfg_write(struct fwcfg *f, uint16_t port_offset, unsigned size,
		 uint32_t value)
{
	if (port_offset != FWCFG_PORT_SEL)
		return;
	f->selector = (uint16_t)(size == 1 ? value & 0xff : value & 0xffff);
	f->offset = 0;
}
