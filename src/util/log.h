#ifndef BASALT_UTIL_LOG_H
#define BASALT_UTIL_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_NOTICE = 2, LOG_WARNING = 3 };

/* Sets where log lines go: a file path (appended), or NULL/"" for stderr.
 * Returns 0, or -1 when the file cannot be opened (stderr is kept). */
int log_set_file(const char *path);
void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)

#endif
