/* settings.h -- the settings table: one row per setting, in registration order.
 *
 * X(name, ENV, kind, ctype, type_name, default, min, max, cli, description)
 *   kind      BOOL | INT | STRING | DOUBLE (TIMEMORY_SETTING_<kind>)
 *   ctype     C storage type of the value (bool, int, uint16_t, uint64_t, double, char*)
 *   type_name the type as help text and metadata print it ("bool", "unsigned short", ...)
 *   default   built-in default (a C expression of ctype; a string literal for STRING)
 *   min, max  bounds for INT settings (0, 0 otherwise)
 *   cli       command-line flags, space-separated
 * The env parser, config files, the Python settings object and timemory-config come from it.
 */
#ifndef TIMEMORY_SETTINGS_H
#define TIMEMORY_SETTINGS_H

#include "timemory/settings_table.h"

#define TIMEMORY_SETTINGS(X) TIMEMORY_SETTINGS_TABLE(X)

#endif
