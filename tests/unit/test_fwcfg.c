/* units: vmm/dev/fwcfg.c */
/*
 * fw_cfg as a guest driver reads it: select a key on 0x510, read bytes on
 * 0x511.  Signature, feature ID, RAM size and CPU count encodings, the
 * big-endian file directory and file contents, reads past the end,
 * unknown keys, and the file table limits.
 */
#include "check.h"
#include "vmm/dev/fwcfg.h"

static void sel(struct fwcfg *f, uint16_t key)
{
	fwcfg_write(f, FWCFG_PORT_SEL, 2, key);
}

static void read_bytes(struct fwcfg *f, uint8_t *buf, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		buf[i] = (uint8_t)fwcfg_read(f, FWCFG_PORT_DATA, 1);
}

static uint64_t read_le(struct fwcfg *f, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)fwcfg_read(f, FWCFG_PORT_DATA, 1) << (8 * i);
	return v;
}

static void test_signature_and_id(void)
{
	struct fwcfg f;
	uint8_t buf[6];

	fwcfg_init(&f, 0, 1);
	sel(&f, FWCFG_SIGNATURE);
	read_bytes(&f, buf, 6);
	CHECK(memcmp(buf, "QEMU\0\0", 6) == 0);
	/* Selecting again rewinds. */
	sel(&f, FWCFG_SIGNATURE);
	CHECK_EQ(fwcfg_read(&f, FWCFG_PORT_DATA, 1), 'Q');
	sel(&f, FWCFG_ID);
	CHECK_EQ(read_le(&f, 4), 1);
	CHECK_EQ(read_le(&f, 4), 0);
}

static void test_ram_and_cpus(void)
{
	struct fwcfg f;

	fwcfg_init(&f, 0x123456789ull, 6);
	sel(&f, FWCFG_RAM_SIZE);
	CHECK_EQ(read_le(&f, 8), 0x123456789ull);
	CHECK_EQ(fwcfg_read(&f, FWCFG_PORT_DATA, 1), 0);
	sel(&f, FWCFG_NB_CPUS);
	CHECK_EQ(read_le(&f, 2), 6);
	CHECK_EQ(read_le(&f, 2), 0);
	sel(&f, FWCFG_MAX_CPUS);
	CHECK_EQ(read_le(&f, 2), 6);
	/* A wide read returns consecutive bytes. */
	sel(&f, FWCFG_RAM_SIZE);
	CHECK_EQ(fwcfg_read(&f, FWCFG_PORT_DATA, 4), 0x23456789);
	CHECK_EQ(fwcfg_read(&f, FWCFG_PORT_DATA, 4), 0x00000001);
	CHECK_EQ(fwcfg_read(&f, FWCFG_PORT_DATA, 2), 0);
	CHECK_EQ(fwcfg_read(&f, FWCFG_PORT_SEL, 2), 0);
	CHECK_EQ(fwcfg_read(&f, 2, 1), 0xff);
	CHECK_EQ(fwcfg_read(&f, 2, 4), 0xffffffff);
}

static void test_unknown_key_and_byte_select(void)
{
	struct fwcfg f;

	fwcfg_init(&f, 1 << 20, 1);
	sel(&f, 0x8003);
	CHECK_EQ(read_le(&f, 8), 0);
	sel(&f, 0x0002);                        /* UUID: not provided */
	CHECK_EQ(read_le(&f, 8), 0);
	sel(&f, FWCFG_FILE_FIRST + 3);          /* file slot never filled */
	CHECK_EQ(read_le(&f, 4), 0);
	/* A byte write to the selector selects 0x00-0xff. */
	fwcfg_write(&f, FWCFG_PORT_SEL, 1, 0x1203);
	CHECK_EQ(read_le(&f, 8), 1 << 20);
	/* Data port writes are ignored and do not move the offset. */
	sel(&f, FWCFG_SIGNATURE);
	fwcfg_write(&f, FWCFG_PORT_DATA, 1, 0x55);
	CHECK_EQ(fwcfg_read(&f, FWCFG_PORT_DATA, 1), 'Q');
}

static void test_empty_directory(void)
{
	struct fwcfg f;
	uint8_t buf[8];

	fwcfg_init(&f, 0, 1);
	sel(&f, FWCFG_FILE_DIR);
	read_bytes(&f, buf, 8);
	CHECK(memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0);
}

static void test_file_directory(void)
{
	static const char cfg[] = "console=ttyS0";
	static const uint8_t blob[3] = { 0xde, 0xad, 0x01 };
	struct fwcfg f;
	struct fwcfg_dir_entry e;
	uint8_t hdr[4], buf[32];

	fwcfg_init(&f, 0, 1);
	CHECK_EQ(fwcfg_add_file(&f, "opt/hv/cmdline", cfg, sizeof(cfg) - 1),
		 0x20);
	CHECK_EQ(fwcfg_add_file(&f, "etc/blob", blob, sizeof(blob)), 0x21);

	sel(&f, FWCFG_FILE_DIR);
	read_bytes(&f, hdr, 4);
	CHECK(memcmp(hdr, "\0\0\0\2", 4) == 0);         /* be32 count */
	read_bytes(&f, (uint8_t *)&e, sizeof(e));
	CHECK(memcmp(&e.size_be, "\0\0\0\x0d", 4) == 0);
	CHECK(memcmp(&e.select_be, "\0\x20", 2) == 0);
	CHECK_EQ(e.reserved, 0);
	CHECK(strcmp(e.name, "opt/hv/cmdline") == 0);
	CHECK_EQ(e.name[FWCFG_NAME_LEN - 1], 0);
	read_bytes(&f, (uint8_t *)&e, sizeof(e));
	CHECK(memcmp(&e.size_be, "\0\0\0\3", 4) == 0);
	CHECK(memcmp(&e.select_be, "\0\x21", 2) == 0);
	CHECK(strcmp(e.name, "etc/blob") == 0);
	CHECK_EQ(fwcfg_read(&f, FWCFG_PORT_DATA, 1), 0);        /* past end */

	sel(&f, 0x20);
	memset(buf, 0xaa, sizeof(buf));
	read_bytes(&f, buf, sizeof(cfg) + 2);
	CHECK(memcmp(buf, "console=ttyS0\0\0\0", sizeof(cfg) + 2) == 0);
	sel(&f, 0x21);
	read_bytes(&f, buf, 4);
	CHECK(memcmp(buf, "\xde\xad\x01\0", 4) == 0);
}

static void test_file_limits(void)
{
	static const char long_name[] =
		"0123456789012345678901234567890123456789012345678901234";
	struct fwcfg f;
	char name[8];

	fwcfg_init(&f, 0, 1);
	CHECK_EQ(sizeof(long_name) - 1, 55);
	CHECK_EQ(fwcfg_add_file(&f, long_name, "x", 1), 0x20);
	CHECK_EQ(fwcfg_add_file(&f, long_name, "x", 1), -1);    /* duplicate */
	CHECK_EQ(fwcfg_add_file(&f, "", "x", 1), -1);
	CHECK_EQ(fwcfg_add_file(&f, NULL, "x", 1), -1);
	CHECK_EQ(fwcfg_add_file(&f, "0123456789012345678901234567890123456789"
				    "0123456789012345", "x", 1), -1);   /* 56 */
	for (int i = 1; i < FWCFG_MAX_FILES; i++) {
		name[0] = 'f';
		name[1] = (char)('0' + i);
		name[2] = '\0';
		CHECK_EQ(fwcfg_add_file(&f, name, "y", 1), 0x20 + i);
	}
	CHECK_EQ(fwcfg_add_file(&f, "full", "z", 1), -1);
	sel(&f, FWCFG_FILE_DIR);
	CHECK_EQ(fwcfg_read(&f, FWCFG_PORT_DATA, 4), 0x08000000);  /* be32 8 */
	sel(&f, 0x27);
	CHECK_EQ(fwcfg_read(&f, FWCFG_PORT_DATA, 1), 'y');
}

int main(void)
{
	RUN(test_signature_and_id);
	RUN(test_ram_and_cpus);
	RUN(test_unknown_key_and_byte_select);
	RUN(test_empty_directory);
	RUN(test_file_directory);
	RUN(test_file_limits);
	return check_summary();
}
