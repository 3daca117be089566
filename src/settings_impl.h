/* settings_impl.h -- private to settings.c (the store) and settings_parse.c (values as text):
 * the index of each row of include/timemory/settings_table.h, a row as data, a value of any
 * type, and what each of the two files calls in the other.
 */
#ifndef TIMEMORY_SRC_SETTINGS_IMPL_H
#define TIMEMORY_SRC_SETTINGS_IMPL_H

#include "internal.h"

enum {
#define TM_SETTING_INDEX(name, ...) TM_IDX_##name,
    TIMEMORY_SETTINGS(TM_SETTING_INDEX)
#undef TM_SETTING_INDEX
        TM_NSETTINGS
};

typedef struct setting_desc {
    const char*           name;
    const char*           env;
    timemory_setting_type kind;
    const char*           type_name;
    const char*           cli;
    const char*           description;
    size_t                offset;
    size_t                size;
    bool                  is_signed;
    int64_t               min;
    int64_t               max;
    bool                  def_bool;
    int64_t               def_int;
    double                def_double;
    const char*           def_string;
} setting_desc;

typedef struct setting_value {
    bool    b;
    int64_t i;
    double  d;
    char*   s;
} setting_value;

enum { SRC_DEFAULT, SRC_ENVIRON, SRC_CONFIG, SRC_USER };

#define TM_NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* settings.c: the table; a setting's choices ("a,b,c" or NULL); the address of its field in
 * tm__settings; its value read, as text, stored (with the settings lock held; v's string is
 * taken) */
extern const setting_desc tm__setting_descs[TM_NSETTINGS];
const char*               tm__setting_choices(int i);
void*                     tm__setting_field(int i);
void                      tm__setting_load(int i, setting_value* v);
void                      tm__setting_format(int i, const setting_value* v, tm__buf* b);
void                      tm__setting_store(int i, setting_value* v, int source);
/* settings_parse.c: text parsed, checked and stored (nothing changed on failure, why says what
 * was expected); the one-line warnings of a refused value; bounds of a number */
int  tm__setting_apply_text(int i, const char* text, int source, char* why, size_t n);
void tm__setting_warn_value(const char* what, int i, const char* value, const char* why);
void tm__setting_warn_env_once(int i, const char* env, const char* why);
int  tm__setting_check_int(int i, int64_t v, char* why, size_t n);
int  tm__setting_check_double(int i, double v, char* why, size_t n);

#endif
