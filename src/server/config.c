#include "server/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/strutil.h"

const char *const config_loglevels[] = {"debug", "verbose", "notice", "warning", NULL};
const char *const config_compressions[] = {"no", "snappy", "lz4", "zstd", "zlib", NULL};
/* In RocksDB's InfoLogLevel order: the index is the level. */
const char *const config_info_log_levels[] = {"debug", "info", "warn", "error", "fatal", "header", NULL};

typedef struct config_entry {
    const char *name;
    enum config_type type;
    int is_mutable;
    const char *default_value;
    long long min, max;
    const char *const *enum_values;
    const char *description;
} config_entry_t;

#define CONFIG_ROW(id, name, type, mut, def, min, max, enums, desc) {name, type, mut, def, min, max, enums, desc},
static const config_entry_t config_entries[CONF_COUNT] = {CONFIG_TABLE(CONFIG_ROW)};
#undef CONFIG_ROW

struct config {
    atomic_llong numbers[CONF_COUNT];
    atomic_llong obuf[OBUF_CLASSES][3]; /* client-output-buffer-limit: hard, soft, seconds */
    char *strings[CONF_COUNT];
    pthread_mutex_t strings_lock; /* guards strings[] against CONFIG SET */
    char *file;
    char **renames; /* rename-command: name, new name, name, new name... */
    size_t nrenames;
    config_apply_fn apply;
    void *apply_arg;
};

const char *config_name(enum config_id id) { return config_entries[id].name; }

int config_find(const char *name) {
    for (int i = 0; i < CONF_COUNT; i++)
        if (!strcasecmp(config_entries[i].name, name)) return i;
    return -1;
}

/* Validates a value; numbers come back in *number, strings are kept. */
static int parse_value(enum config_id id, const char *value, long long *number, char *err, size_t errlen) {
    const config_entry_t *e = &config_entries[id];
    switch (e->type) {
    case CFG_OBUF_LIMIT: {
        obuf_limit_t scratch[OBUF_CLASSES] = {{0, 0, 0}};
        return obuf_limits_parse(value, scratch, err, errlen);
    }
    case CFG_STRING:
        for (const char *p = value; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f) {
                snprintf(err, errlen, "argument must not contain control characters");
                return -1;
            }
        return 0;
    case CFG_BOOL:
        if (!strcasecmp(value, "yes")) *number = 1;
        else if (!strcasecmp(value, "no")) *number = 0;
        else {
            snprintf(err, errlen, "argument must be 'yes' or 'no'");
            return -1;
        }
        return 0;
    case CFG_ENUM:
        for (int i = 0; e->enum_values[i]; i++)
            if (!strcasecmp(value, e->enum_values[i])) {
                *number = i;
                return 0;
            }
        snprintf(err, errlen, "argument(s) must be one of the following: ");
        for (int i = 0; e->enum_values[i]; i++) {
            size_t n = strlen(err);
            snprintf(err + n, errlen - n, "%s%s", i ? ", " : "", e->enum_values[i]);
        }
        return -1;
    case CFG_INT:
        if (!str_to_ll(value, strlen(value), number)) {
            snprintf(err, errlen, "argument couldn't be parsed into an integer");
            return -1;
        }
        break;
    case CFG_MEMORY:
        if (!memory_to_ll(value, number)) {
            snprintf(err, errlen, "argument must be a memory value");
            return -1;
        }
        break;
    }
    if (*number < e->min || *number > e->max) {
        snprintf(err, errlen, "argument must be between %lld and %lld inclusive", e->min, e->max);
        return -1;
    }
    return 0;
}

obuf_limit_t config_obuf_limit(const config_t *c, enum obuf_class cls) {
    config_t *m = (config_t *)c;
    obuf_limit_t l = {atomic_load_explicit(&m->obuf[cls][0], memory_order_relaxed),
                      atomic_load_explicit(&m->obuf[cls][1], memory_order_relaxed),
                      atomic_load_explicit(&m->obuf[cls][2], memory_order_relaxed)};
    return l;
}

/* As Redis: the classes named are replaced, the others keep their limits.
 * Keeps the CONFIG GET form as the string value. */
static int assign_obuf_limit(config_t *c, enum config_id id, const char *value, char *err, size_t errlen) {
    obuf_limit_t limits[OBUF_CLASSES];
    for (int i = 0; i < OBUF_CLASSES; i++) limits[i] = config_obuf_limit(c, (enum obuf_class)i);
    if (obuf_limits_parse(value, limits, err, errlen) != 0) return -1;
    buf_t text;
    buf_init(&text);
    obuf_limits_format(limits, &text);
    buf_append_char(&text, '\0');
    pthread_mutex_lock(&c->strings_lock);
    free(c->strings[id]);
    c->strings[id] = text.data; /* ownership moves to the table */
    for (int i = 0; i < OBUF_CLASSES; i++) {
        atomic_store(&c->obuf[i][0], limits[i].hard_bytes);
        atomic_store(&c->obuf[i][1], limits[i].soft_bytes);
        atomic_store(&c->obuf[i][2], limits[i].soft_seconds);
    }
    pthread_mutex_unlock(&c->strings_lock);
    return 0;
}

static int config_assign(config_t *c, enum config_id id, const char *value, char *err, size_t errlen) {
    long long number = 0;
    if (parse_value(id, value, &number, err, errlen) != 0) return -1;
    if (config_entries[id].type == CFG_OBUF_LIMIT) return assign_obuf_limit(c, id, value, err, errlen);
    if (config_entries[id].type == CFG_STRING) {
        char *copy = strdup(value);
        if (!copy) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        pthread_mutex_lock(&c->strings_lock);
        char *old = c->strings[id];
        c->strings[id] = copy;
        pthread_mutex_unlock(&c->strings_lock);
        free(old);
    } else {
        atomic_store(&c->numbers[id], number);
    }
    return 0;
}

config_t *config_new(void) {
    config_t *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    pthread_mutex_init(&c->strings_lock, NULL);
    char err[256];
    for (int i = 0; i < CONF_COUNT; i++) {
        if (config_assign(c, (enum config_id)i, config_entries[i].default_value, err, sizeof err) != 0) {
            fprintf(stderr, "basalt: bad default for %s: %s\n", config_entries[i].name, err);
            abort(); /* a programming error in the table, not input */
        }
    }
    return c;
}

void config_free(config_t *c) {
    if (!c) return;
    for (int i = 0; i < CONF_COUNT; i++) free(c->strings[i]);
    for (size_t i = 0; i < 2 * c->nrenames; i++) free(c->renames[i]);
    free(c->renames);
    free(c->file);
    pthread_mutex_destroy(&c->strings_lock);
    free(c);
}

void config_set_apply_hook(config_t *c, config_apply_fn fn, void *arg) {
    c->apply = fn;
    c->apply_arg = arg;
}

int config_set_initial(config_t *c, const char *name, const char *value, char *err, size_t errlen) {
    if (!strcasecmp(name, "rename-command")) {
        snprintf(err, errlen, "rename-command is read only from the config file");
        return -1;
    }
    int id = config_find(name);
    if (id < 0) {
        snprintf(err, errlen, "unknown configuration key '%s'", name);
        return -1;
    }
    char why[200];
    if (config_assign(c, (enum config_id)id, value, why, sizeof why) != 0) {
        snprintf(err, errlen, "invalid value '%s' for '%s': %s", value, config_entries[id].name, why);
        return -1;
    }
    return 0;
}

int config_check_runtime(const char *name, const char *value, char *err, size_t errlen) {
    int id = config_find(name);
    if (id < 0) {
        snprintf(err, errlen, "Unknown option or number of arguments for CONFIG SET - '%s'", name);
        return -1;
    }
    if (!config_entries[id].is_mutable) {
        snprintf(err, errlen, "CONFIG SET failed (possibly related to argument '%s') - can't set immutable config",
                 config_entries[id].name);
        return -1;
    }
    long long number;
    char why[200];
    if (parse_value((enum config_id)id, value, &number, why, sizeof why) != 0) {
        snprintf(err, errlen, "CONFIG SET failed (possibly related to argument '%s') - %s", config_entries[id].name,
                 why);
        return -1;
    }
    return 0;
}

int config_set_runtime(config_t *c, const char *name, const char *value, char *err, size_t errlen) {
    if (config_check_runtime(name, value, err, errlen) != 0) return -1;
    int id = config_find(name);
    char why[200];
    buf_t previous;
    buf_init(&previous);
    config_format(c, (enum config_id)id, &previous);
    buf_append_char(&previous, '\0');
    if (config_assign(c, (enum config_id)id, value, why, sizeof why) != 0) {
        snprintf(err, errlen, "CONFIG SET failed (possibly related to argument '%s') - %s", config_entries[id].name,
                 why);
        buf_fini(&previous);
        return -1;
    }
    if (c->apply && c->apply(c->apply_arg, (enum config_id)id, why, sizeof why) != 0) {
        char ignored[64];
        config_assign(c, (enum config_id)id, previous.data, ignored, sizeof ignored); /* back to what it was */
        buf_fini(&previous);
        snprintf(err, errlen, "CONFIG SET failed (possibly related to argument '%s') - %s", config_entries[id].name,
                 why);
        return -1;
    }
    buf_fini(&previous);
    return 0;
}

long long config_int(const config_t *c, enum config_id id) {
    return atomic_load_explicit(&((config_t *)c)->numbers[id], memory_order_relaxed);
}

void config_str(config_t *c, enum config_id id, char *dst, size_t cap) {
    pthread_mutex_lock(&c->strings_lock);
    snprintf(dst, cap, "%s", c->strings[id] ? c->strings[id] : "");
    pthread_mutex_unlock(&c->strings_lock);
}

int config_str_equals(config_t *c, enum config_id id, const char *data, size_t len) {
    pthread_mutex_lock(&c->strings_lock);
    const char *v = c->strings[id] ? c->strings[id] : "";
    size_t vlen = strlen(v);
    /* Compare every byte whatever the lengths, so timing tells nothing. */
    unsigned char diff = (unsigned char)(vlen != len);
    for (size_t i = 0; i < len; i++) diff |= (unsigned char)(data[i] ^ (i < vlen ? v[i] : 0));
    pthread_mutex_unlock(&c->strings_lock);
    return diff == 0;
}

int config_str_is_empty(config_t *c, enum config_id id) {
    pthread_mutex_lock(&c->strings_lock);
    int empty = !c->strings[id] || !c->strings[id][0];
    pthread_mutex_unlock(&c->strings_lock);
    return empty;
}

void config_format(config_t *c, enum config_id id, buf_t *out) {
    const config_entry_t *e = &config_entries[id];
    long long v = config_int(c, id);
    switch (e->type) {
    case CFG_OBUF_LIMIT:
    case CFG_STRING:
        pthread_mutex_lock(&c->strings_lock);
        buf_append_cstr(out, c->strings[id] ? c->strings[id] : "");
        pthread_mutex_unlock(&c->strings_lock);
        break;
    case CFG_BOOL: buf_append_cstr(out, v ? "yes" : "no"); break;
    case CFG_ENUM: buf_append_cstr(out, e->enum_values[v]); break;
    case CFG_INT:
    case CFG_MEMORY: buf_appendf(out, "%lld", v); break;
    }
}

/* ---- config files ---- */

/* Appends "name value", quoting the value only when it needs it. */
static void append_config_line(buf_t *out, const char *name, const char *value, size_t len) {
    int plain = len > 0;
    for (size_t i = 0; i < len && plain; i++)
        plain = value[i] > ' ' && value[i] != '"' && value[i] != '\'' && value[i] != '#' && value[i] != 127;
    if (plain)
        buf_appendf(out, "%s %.*s\n", name, (int)len, value);
    else
        buf_appendf(out, "%s \"%.*s\"\n", name, (int)len, value);
}

/* Splits "key value..." into key and value (value may be quoted). */
static int split_line(char *line, char **key, char **value) {
    char *p = line;
    while (isspace((unsigned char)*p)) p++;
    if (!*p || *p == '#') return 0;
    *key = p;
    while (*p && !isspace((unsigned char)*p)) p++;
    if (*p) *p++ = '\0';
    while (isspace((unsigned char)*p)) p++;
    char *end = p + strlen(p);
    while (end > p && isspace((unsigned char)end[-1])) *--end = '\0';
    if (end - p >= 2 && ((p[0] == '"' && end[-1] == '"') || (p[0] == '\'' && end[-1] == '\''))) {
        end[-1] = '\0';
        p++;
    }
    *value = p;
    return 1;
}

size_t config_rename_count(const config_t *c) { return c->nrenames; }

void config_rename_at(const config_t *c, size_t i, const char **name, const char **new_name) {
    *name = c->renames[2 * i];
    *new_name = c->renames[2 * i + 1];
}

/* One word of a rename-command line: bare, or in double or single quotes
 * ("" is the empty name that disables). Returns the end, or NULL. */
static char *next_word(char *p, char **word) {
    while (isspace((unsigned char)*p)) p++;
    if (*p == '"' || *p == '\'') {
        char quote = *p++;
        *word = p;
        while (*p && *p != quote) p++;
        if (!*p) return NULL;
        *p++ = '\0';
        return p;
    }
    if (!*p) return NULL;
    *word = p;
    while (*p && !isspace((unsigned char)*p)) p++;
    if (*p) *p++ = '\0';
    return p;
}

/* "rename-command <name> <new-name>": the rest of the line after the key. */
static int add_rename(config_t *c, char *rest, char *err, size_t errlen) {
    char *name, *new_name;
    char *p = next_word(rest, &name);
    if (p) p = next_word(p, &new_name);
    while (p && isspace((unsigned char)*p)) p++;
    if (!p || *p || !*name) {
        snprintf(err, errlen, "rename-command needs a command name and a new name (\"\" disables)");
        return -1;
    }
    char **grown = realloc(c->renames, (2 * c->nrenames + 2) * sizeof *grown);
    if (!grown) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->renames = grown;
    char *a = strdup(name), *b = strdup(new_name);
    if (!a || !b) {
        free(a);
        free(b);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->renames[2 * c->nrenames] = a;
    c->renames[2 * c->nrenames + 1] = b;
    c->nrenames++;
    return 0;
}

/* A rename-command line, or 0. */
static int is_rename_line(const char *line, char **rest) {
    while (isspace((unsigned char)*line)) line++;
    static const char key[] = "rename-command";
    if (strncasecmp(line, key, sizeof key - 1) != 0 || !isspace((unsigned char)line[sizeof key - 1])) return 0;
    *rest = (char *)line + sizeof key - 1;
    return 1;
}

int config_load_file(config_t *c, const char *path, char *err, size_t errlen) {
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rc = 0;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        char *key, *value, *rest;
        char why[400];
        if (is_rename_line(line, &rest)) {
            if (add_rename(c, rest, why, sizeof why) != 0) {
                snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
                rc = -1;
                break;
            }
            continue;
        }
        if (!split_line(line, &key, &value)) continue;
        if (config_set_initial(c, key, value, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
            rc = -1;
            break;
        }
    }
    free(line);
    fclose(f);
    if (rc == 0) {
        char *abs = realpath(path, NULL);
        free(c->file);
        c->file = abs ? abs : strdup(path);
    }
    return rc;
}

const char *config_file_path(const config_t *c) { return c->file; }

static int obuf_equals_default(config_t *c, enum config_id id) {
    obuf_limit_t def[OBUF_CLASSES] = {{0, 0, 0}};
    char why[128];
    if (obuf_limits_parse(config_entries[id].default_value, def, why, sizeof why) != 0) return 0;
    for (int i = 0; i < OBUF_CLASSES; i++) {
        obuf_limit_t now = config_obuf_limit(c, (enum obuf_class)i);
        if (memcmp(&now, &def[i], sizeof now) != 0) return 0;
    }
    return 1;
}

int config_rewrite(config_t *c, char *err, size_t errlen) {
    if (!c->file) {
        snprintf(err, errlen, "The server is running without a config file");
        return -1;
    }
    buf_t out, value;
    buf_init(&out);
    buf_init(&value);
    int written[CONF_COUNT] = {0};
    /* c->file is the resolved path the server started with. If a symlink
     * has since taken its place, refuse: never read or replace another file
     * through it. */
    struct stat st;
    if (lstat(c->file, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "Rewriting config file: %s is no longer a regular file", c->file);
        buf_fini(&out);
        buf_fini(&value);
        return -1;
    }
    int rfd = open(c->file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    FILE *f = rfd >= 0 ? fdopen(rfd, "r") : NULL;
    if (!f && rfd >= 0) close(rfd);
    if (f) {
        char *line = NULL;
        size_t cap = 0;
        while (getline(&line, &cap, f) >= 0) {
            char *copy = strdup(line), *key, *val;
            int id = copy && split_line(copy, &key, &val) ? config_find(key) : -1;
            free(copy);
            if (id < 0) {
                buf_append_cstr(&out, line);
                if (out.len && out.data[out.len - 1] != '\n') buf_append_char(&out, '\n');
                continue;
            }
            if (written[id]) continue; /* later duplicates are dropped */
            written[id] = 1;
            buf_clear(&value);
            config_format(c, (enum config_id)id, &value);
            append_config_line(&out, config_entries[id].name, value.data ? value.data : "", value.len);
        }
        free(line);
        fclose(f);
    }
    for (int id = 0; id < CONF_COUNT; id++) {
        if (written[id]) continue;
        buf_clear(&value);
        config_format(c, (enum config_id)id, &value);
        buf_append_char(&value, '\0');
        long long def = 0;
        char why[64];
        int is_default;
        if (config_entries[id].type == CFG_STRING)
            is_default = !strcmp(value.data, config_entries[id].default_value);
        else if (config_entries[id].type == CFG_OBUF_LIMIT)
            is_default = obuf_equals_default(c, (enum config_id)id);
        else
            is_default = parse_value((enum config_id)id, config_entries[id].default_value, &def, why, sizeof why) == 0 &&
                         def == config_int(c, (enum config_id)id);
        if (!is_default) append_config_line(&out, config_entries[id].name, value.data, value.len - 1);
    }
    char tmp[PATH_MAX + 16];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", c->file, (int)getpid());
    /* The file keeps its permissions (it may hold requirepass); a new one
     * is readable by the owner only. */
    mode_t mode = lstat(c->file, &st) == 0 && S_ISREG(st.st_mode) ? (st.st_mode & 07777) : 0600;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
    int rc = -1;
    if (fd >= 0 && fchmod(fd, mode) != 0) {
        snprintf(err, errlen, "Rewriting config file: %s", strerror(errno));
        close(fd);
        unlink(tmp);
    } else if (fd < 0) {
        snprintf(err, errlen, "Rewriting config file: %s", strerror(errno));
    } else {
        ssize_t n = write(fd, out.data, out.len);
        if (n != (ssize_t)out.len || fsync(fd) != 0) {
            snprintf(err, errlen, "Rewriting config file: %s", strerror(errno));
            close(fd);
            unlink(tmp);
        } else {
            close(fd);
            if (rename(tmp, c->file) != 0) {
                snprintf(err, errlen, "Rewriting config file: %s", strerror(errno));
                unlink(tmp);
            } else {
                rc = 0;
            }
        }
    }
    buf_fini(&out);
    buf_fini(&value);
    return rc;
}

void config_write_example(buf_t *out) {
    buf_append_cstr(out, "# Basalt configuration: every key with its default value.\n"
                         "# Generated by `basalt-server --print-config`; see docs/configuration.md.\n\n");
    for (int i = 0; i < CONF_COUNT; i++) {
        const config_entry_t *e = &config_entries[i];
        buf_appendf(out, "# %s%s\n", e->description, e->is_mutable ? " (CONFIG SET at run time)" : "");
        buf_appendf(out, "%s \"%s\"\n\n", e->name, e->default_value);
    }
}
