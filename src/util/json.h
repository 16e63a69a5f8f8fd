#ifndef BASALT_UTIL_JSON_H
#define BASALT_UTIL_JSON_H

#include "util/buf.h"

/* Appends s as a JSON string literal: quotes, backslash escapes for '"'
 * and '\\', \u00XX for control bytes; other bytes are copied as they are
 * (the caller passes UTF-8). */
void json_append_string(buf_t *out, const char *s);

#endif
