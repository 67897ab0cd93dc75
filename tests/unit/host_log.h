#ifndef HOST_LOG_H
#define HOST_LOG_H
/* What the code under test printed through log_printf since the last clear. */
const char *host_log_text(void);
void host_log_clear(void);
#endif
