/* basalt-server [config-file] [--key value ...] */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memory/allocator.h"
#include "server/config.h"
#include "server/server.h"
#include "util/log.h"

static void usage(void) {
    fprintf(stderr,
            "Usage: basalt-server [/path/to/basalt.conf] [--<config-key> <value> ...]\n"
            "       basalt-server --print-config   (the example file with every key and its default)\n"
            "       basalt-server --version\n"
            "Example: basalt-server --port 6390 --dir /tmp/x --bind 127.0.0.1\n");
}

/* Applies the command line on top of the file. Returns 0, or -1 after
 * printing why. */
static int apply_arguments(config_t *cfg, int argc, char **argv) {
    int i = 1;
    char err[512];
    if (i < argc && strncmp(argv[i], "--", 2) != 0) {
        if (config_load_file(cfg, argv[i], err, sizeof err) != 0) {
            fprintf(stderr, "basalt: config error: %s\n", err);
            return -1;
        }
        i++;
    }
    for (; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc) {
            fprintf(stderr, "basalt: config error: command line: expected --<key> <value>, got '%s'\n", argv[i]);
            return -1;
        }
        if (config_set_initial(cfg, argv[i] + 2, argv[i + 1], err, sizeof err) != 0) {
            fprintf(stderr, "basalt: config error: command line: %s\n", err);
            return -1;
        }
        i++;
    }
    return 0;
}

static void write_pidfile(config_t *cfg) {
    char path[4096];
    config_str(cfg, CONF_PIDFILE, path, sizeof path);
    if (!path[0]) return;
    FILE *f = fopen(path, "w");
    if (!f) {
        log_warning("cannot write pidfile %s: %s", path, strerror(errno));
        return;
    }
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
}

static void remove_pidfile(config_t *cfg) {
    char path[4096];
    config_str(cfg, CONF_PIDFILE, path, sizeof path);
    if (path[0]) unlink(path);
}

int main(int argc, char **argv) {
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage();
        return 0;
    }
    if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-v"))) {
        printf("Basalt server v=%s redis=%s malloc=%s\n", BASALT_VERSION, BASALT_REDIS_VERSION, allocator_name());
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "--print-config")) {
        buf_t out;
        buf_init(&out);
        config_write_example(&out);
        fwrite(out.data, 1, out.len, stdout);
        buf_fini(&out);
        return 0;
    }
    config_t *cfg = config_new();
    if (!cfg || apply_arguments(cfg, argc, argv) != 0) {
        config_free(cfg);
        return 1;
    }
    char logfile[4096];
    config_str(cfg, CONF_LOGFILE, logfile, sizeof logfile);
    if (logfile[0] && log_set_file(logfile) != 0) {
        fprintf(stderr, "basalt: cannot open logfile %s: %s\n", logfile, strerror(errno));
        config_free(cfg);
        return 1;
    }
    static const enum log_level levels[] = {LOG_DEBUG, LOG_INFO, LOG_NOTICE, LOG_WARNING};
    log_set_level(levels[config_int(cfg, CONF_LOGLEVEL)]);

    static server_t srv;
    char err[512];
    if (server_init(&srv, cfg, err, sizeof err) != 0) {
        log_warning("cannot start: %s", err);
        fprintf(stderr, "basalt: cannot start: %s\n", err);
        server_fini(&srv);
        config_free(cfg);
        return 1;
    }
    write_pidfile(cfg);
    server_run(&srv);
    server_fini(&srv);
    remove_pidfile(cfg);
    log_notice("Basalt is now ready to exit, bye bye...");
    config_free(cfg);
    log_set_file(NULL);
    return 0;
}
