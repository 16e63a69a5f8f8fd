#include "util/json.h"

void json_append_string(buf_t *out, const char *s) {
    buf_append_char(out, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            buf_appendf(out, "\\%c", c);
        else if (c < 0x20)
            buf_appendf(out, "\\u%04x", c);
        else
            buf_append_char(out, (char)c);
    }
    buf_append_char(out, '"');
}
