#include <stdlib.h>
#include <unistd.h>

#include "server/config.h"
#include "unit.h"

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

TEST(defaults_and_units) {
    config_t *c = config_new();
    CHECK_EQ(config_int(c, CONF_PORT), 6666);
    CHECK_EQ(config_int(c, CONF_PROTO_MAX_BULK_LEN), 512LL * 1024 * 1024);
    char err[256];
    CHECK_EQ(config_set_initial(c, "proto-max-bulk-len", "2mb", err, sizeof err), 0);
    CHECK_EQ(config_int(c, CONF_PROTO_MAX_BULK_LEN), 2 * 1024 * 1024);
    CHECK_EQ(config_set_initial(c, "port", "70000", err, sizeof err), -1);
    CHECK_EQ(config_set_initial(c, "port", "abc", err, sizeof err), -1);
    CHECK_EQ(config_set_initial(c, "enable-debug-command", "maybe", err, sizeof err), -1);
    CHECK_EQ(config_set_initial(c, "no-such-key", "1", err, sizeof err), -1);
    CHECK(strstr(err, "no-such-key") != NULL);
    config_free(c);
}

TEST(runtime_set_refuses_immutable) {
    config_t *c = config_new();
    char err[256];
    CHECK_EQ(config_set_runtime(c, "port", "7000", err, sizeof err), -1);
    CHECK(strstr(err, "immutable") != NULL);
    CHECK_EQ(config_set_runtime(c, "timeout", "30", err, sizeof err), 0);
    CHECK_EQ(config_int(c, CONF_TIMEOUT), 30);
    config_free(c);
}

TEST(file_errors_name_file_and_line) {
    char path[] = "/tmp/basalt-conf-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    write_file(path, "# comment\nport 7001\n\nbogus-key 1\n");
    config_t *c = config_new();
    char err[512];
    CHECK_EQ(config_load_file(c, path, err, sizeof err), -1);
    CHECK(strstr(err, path) != NULL);
    CHECK(strstr(err, ":4:") != NULL);
    config_free(c);
    unlink(path);
}

TEST(rewrite_keeps_comments_and_updates_values) {
    char path[] = "/tmp/basalt-conf-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    write_file(path, "# my settings\nport 7002\ntimeout 5\ntimeout 6\n");
    config_t *c = config_new();
    char err[512];
    CHECK_EQ(config_load_file(c, path, err, sizeof err), 0);
    CHECK_EQ(config_int(c, CONF_TIMEOUT), 6);
    CHECK_EQ(config_set_runtime(c, "timeout", "17", err, sizeof err), 0);
    CHECK_EQ(config_set_runtime(c, "maxclients", "99", err, sizeof err), 0);
    CHECK_EQ(config_rewrite(c, err, sizeof err), 0);
    FILE *f = fopen(path, "r");
    char text[1024] = {0};
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    CHECK(strstr(text, "# my settings") != NULL);
    CHECK(strstr(text, "timeout 17\n") != NULL);
    CHECK(strstr(text, "timeout 6") == NULL);
    CHECK(strstr(text, "maxclients 99\n") != NULL);
    config_t *again = config_new();
    CHECK_EQ(config_load_file(again, path, err, sizeof err), 0);
    CHECK_EQ(config_int(again, CONF_TIMEOUT), 17);
    CHECK_EQ(config_int(again, CONF_PORT), 7002);
    config_free(again);
    config_free(c);
    unlink(path);
}

UNIT_MAIN
