#include "memory/symbolizer.h"

#include <dlfcn.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/clock.h"

static pthread_mutex_t sym_lock = PTHREAD_MUTEX_INITIALIZER;
static Dwfl *dwfl;
static int64_t dwfl_reported_ms;

/* pc -> sym_info_t*, open addressing; entries are never freed (the cache
 * is bounded by the process's code size). */
static sym_info_t **cache;
static size_t cache_cap, cache_len;

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

typedef char *(*demangle_fn)(const char *, char *, size_t *, int *);

char *symbolizer_demangle(const char *name) {
    /* libstdc++'s demangler, present in the process through librocksdb;
     * looked up at run time so plain C builds need no C++ link flags. */
    static demangle_fn demangle;
    static int looked_up;
    if (!looked_up) {
        demangle = (demangle_fn)dlsym(RTLD_DEFAULT, "__cxa_demangle");
        looked_up = 1;
    }
    if (demangle && name[0] == '_' && name[1] == 'Z') {
        int status = 0;
        char *out = demangle(name, NULL, NULL, &status);
        if (status == 0 && out) return out;
        free(out);
    }
    return strdup(name);
}

/* Separate debug information only by build ID (/usr/lib/debug/.build-id,
 * where Debian's -dbgsym packages put it). Not dwfl_standard_find_debuginfo:
 * with DEBUGINFOD_URLS in the environment it downloads over the network,
 * which a server must not do behind its operator's back. */
static int find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
                          const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
                          char **debuginfo_file_name) {
    return dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file, debuglink_crc,
                                        debuginfo_file_name);
}

static int report_modules(void) {
    static const Dwfl_Callbacks callbacks = {
        .find_elf = dwfl_linux_proc_find_elf,
        .find_debuginfo = find_debuginfo,
    };
    if (!dwfl) {
        dwfl = dwfl_begin(&callbacks);
        if (!dwfl) return -1;
    }
    /* Re-reporting keeps known modules and adds newly loaded ones. */
    dwfl_report_begin_add(dwfl);
    int rc = dwfl_linux_proc_report(dwfl, getpid());
    dwfl_report_end(dwfl, NULL, NULL);
    dwfl_reported_ms = clock_mono_us() / 1000;
    return rc == 0 ? 0 : -1;
}

static Dwfl_Module *module_of(uint64_t pc) {
    if (!dwfl && report_modules() != 0) return NULL;
    Dwfl_Module *m = dwfl_addrmodule(dwfl, pc);
    /* A library loaded after the last report: look again, at most once a
     * second so a profile full of stray addresses stays cheap. */
    if (!m && clock_mono_us() / 1000 - dwfl_reported_ms > 1000 && report_modules() == 0)
        m = dwfl_addrmodule(dwfl, pc);
    return m;
}

static void hex_build_id(Dwfl_Module *m, char *out, size_t cap) {
    const unsigned char *bits = NULL;
    GElf_Addr vaddr, bias;
    dwfl_module_getelf(m, &bias); /* the build ID is known once the ELF file is open */
    int n = dwfl_module_build_id(m, &bits, &vaddr);
    out[0] = '\0';
    for (int i = 0; i < n && (size_t)(2 * i + 2) < cap; i++) snprintf(out + 2 * i, 3, "%02x", bits[i]);
}

/* The name of a DWARF function or inlined-subroutine DIE: its linkage
 * name demangled when it has one (qualified C++ names), else its name. */
static char *die_function_name(Dwarf_Die *die) {
    Dwarf_Attribute attr;
    const char *linkage = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &attr));
    if (!linkage) linkage = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr));
    if (linkage) return symbolizer_demangle(linkage);
    const char *name = dwarf_diename(die);
    return name ? strdup(name) : NULL;
}

typedef struct frame_list {
    sym_frame_t items[16];
    size_t n;
} frame_list_t;

static void add_frame(frame_list_t *fl, char *function, const char *file, int line) {
    if (fl->n == sizeof fl->items / sizeof fl->items[0]) {
        free(function);
        return;
    }
    fl->items[fl->n].function = function ? function : strdup("??");
    fl->items[fl->n].file = dup_or_null(file);
    fl->items[fl->n].line = line;
    fl->n++;
}

/* Frames from the DWARF scopes around pc: one per inlined subroutine
 * (innermost first), then the enclosing function. The innermost frame's
 * position comes from the line table, each caller's from the inlined
 * subroutine's DW_AT_call_file/line. */
static void dwarf_frames(Dwfl_Module *m, uint64_t pc, const char *elf_name, frame_list_t *fl) {
    const char *file = NULL;
    int line = 0;
    Dwfl_Line *ln = dwfl_module_getsrc(m, pc);
    if (ln) file = dwfl_lineinfo(ln, NULL, &line, NULL, NULL, NULL);

    Dwarf_Addr bias = 0;
    Dwarf_Die *cu = dwfl_module_addrdie(m, pc, &bias);
    Dwarf_Die *scopes = NULL;
    int nscopes = cu ? dwarf_getscopes(cu, pc - bias, &scopes) : 0;
    Dwarf_Files *files = NULL;
    size_t nfiles = 0;
    if (cu) dwarf_getsrcfiles(cu, &files, &nfiles);
    for (int i = 0; i < nscopes; i++) {
        int tag = dwarf_tag(&scopes[i]);
        if (tag == DW_TAG_inlined_subroutine) {
            add_frame(fl, die_function_name(&scopes[i]), file, line);
            /* Where it was inlined: the next frame's position. */
            Dwarf_Attribute attr;
            Dwarf_Word fidx = 0, cline = 0;
            file = NULL;
            line = 0;
            if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &attr), &fidx) == 0 && files)
                file = dwarf_filesrc(files, fidx, NULL, NULL);
            if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &attr), &cline) == 0) line = (int)cline;
        } else if (tag == DW_TAG_subprogram) {
            /* The ELF symbol names the outer function best (qualified,
             * with parameters once demangled). */
            add_frame(fl, elf_name ? symbolizer_demangle(elf_name) : die_function_name(&scopes[i]), file, line);
            free(scopes);
            return;
        }
    }
    free(scopes);
    add_frame(fl, elf_name ? symbolizer_demangle(elf_name) : NULL, file, line);
}

static sym_info_t *resolve(uint64_t pc) {
    sym_info_t *info = calloc(1, sizeof *info);
    if (!info) return NULL;
    info->pc = pc;
    frame_list_t fl = {.n = 0};
    char build_id[129] = "";
    Dwfl_Module *m = module_of(pc);
    if (m) {
        /* Modules reported from /proc/self/maps are named by their path. */
        info->module = dup_or_null(dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
        hex_build_id(m, build_id, sizeof build_id);
        GElf_Off off;
        GElf_Sym sym;
        const char *elf_name = dwfl_module_addrinfo(m, pc, &off, &sym, NULL, NULL, NULL);
        dwarf_frames(m, pc, elf_name, &fl);
    } else {
        add_frame(&fl, NULL, NULL, 0);
    }
    info->build_id = strdup(build_id);
    sym_frame_t *frames = malloc(fl.n * sizeof *frames);
    if (frames) memcpy(frames, fl.items, fl.n * sizeof *frames);
    info->frames = frames;
    info->nframes = frames ? fl.n : 0;
    return info;
}

static size_t slot_of(uint64_t pc, size_t cap) {
    uint64_t h = pc * 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> 20) & (cap - 1);
}

static int cache_grow(void) {
    size_t cap = cache_cap ? cache_cap * 2 : 4096;
    sym_info_t **t = calloc(cap, sizeof *t);
    if (!t) return -1;
    for (size_t i = 0; i < cache_cap; i++) {
        if (!cache[i]) continue;
        size_t s = slot_of(cache[i]->pc, cap);
        while (t[s]) s = (s + 1) & (cap - 1);
        t[s] = cache[i];
    }
    free(cache);
    cache = t;
    cache_cap = cap;
    return 0;
}

const sym_info_t *symbolizer_lookup(uint64_t pc) {
    pthread_mutex_lock(&sym_lock);
    const sym_info_t *found = NULL;
    if (cache_len * 2 >= cache_cap && cache_grow() != 0) goto out;
    size_t s = slot_of(pc, cache_cap);
    while (cache[s] && cache[s]->pc != pc) s = (s + 1) & (cache_cap - 1);
    if (!cache[s]) {
        sym_info_t *info = resolve(pc);
        if (!info || info->nframes == 0) goto out; /* out of memory (a small leak is moot then) */
        cache[s] = info;
        cache_len++;
    }
    found = cache[s];
out:
    pthread_mutex_unlock(&sym_lock);
    return found;
}

void symbolizer_trim(void) {
    pthread_mutex_lock(&sym_lock);
    if (dwfl) dwfl_end(dwfl);
    dwfl = NULL;
    pthread_mutex_unlock(&sym_lock);
}

char *symbolizer_build_id_at(uint64_t addr) {
    char id[129] = "";
    pthread_mutex_lock(&sym_lock);
    Dwfl_Module *m = module_of(addr);
    if (m) hex_build_id(m, id, sizeof id);
    pthread_mutex_unlock(&sym_lock);
    return strdup(id);
}
