/* text_width.c -- text in a given number of terminal columns (the stdout summary, the progress
 * line): characters are UTF-8 code points, one column each; a byte that is not part of a valid
 * sequence, and a control character, shows as '?'; text too long keeps its start and end
 * around "...", so it is never wrapped.
 */
#include "internal.h"

#include <string.h>

/* The bytes of the character at s: a valid UTF-8 sequence, or one byte (*ok false: shown as
 * '?', as are control characters). */
static size_t tm__char_len(const unsigned char* s, bool* ok)
{
    *ok = true;
    if(s[0] < 0x80)
    {
        *ok = s[0] >= 0x20 && s[0] != 0x7f;
        return 1;
    }
    size_t n = s[0] >= 0xC2 && s[0] <= 0xDF   ? 2
               : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
               : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                              : 0;
    for(size_t i = 1; i < n; ++i)
        if((s[i] & 0xC0) != 0x80) /* the NUL ends the scan too */
        {
            n = 0;
            break;
        }
    if(n == 0) *ok = false;
    return n ? n : 1;
}

size_t tm__text_columns(const char* text)
{
    size_t               cols = 0;
    const unsigned char* p    = (const unsigned char*)text;
    bool                 ok;
    while(*p)
    {
        p += tm__char_len(p, &ok);
        ++cols;
    }
    return cols;
}

/* Appends characters [from, to) of text (character positions). */
static void tm__put_chars(tm__buf* b, const char* text, size_t from, size_t to)
{
    const unsigned char* p = (const unsigned char*)text;
    bool                 ok;
    for(size_t i = 0; *p && i < to; ++i)
    {
        size_t n = tm__char_len(p, &ok);
        if(i >= from)
        {
            if(ok)
                tm__buf_append(b, (const char*)p, n);
            else
                tm__buf_putc(b, '?');
        }
        p += n;
    }
}

size_t tm__buf_fit(tm__buf* b, const char* text, size_t cols, bool pad)
{
    size_t n = tm__text_columns(text), used = n;
    if(n <= cols)
        tm__put_chars(b, text, 0, n);
    else if(cols <= 3)
    {
        tm__buf_append(b, "...", cols);
        used = cols;
    }
    else
    {
        size_t head = (cols - 2) / 2, tail = cols - 3 - head;
        tm__put_chars(b, text, 0, head);
        tm__buf_puts(b, "...");
        tm__put_chars(b, text, n - tail, n);
        used = cols;
    }
    for(; pad && used < cols; ++used) tm__buf_putc(b, ' ');
    return used;
}
