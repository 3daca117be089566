/* output_svg.c -- the flame graph a person opens in a browser (<label>.flamegraph.svg): one box
 * per node of the merged tree (result.c), top-down from an "all" box, widths proportional to
 * the first value (time), a <title> per box for the hover text and a little inline script for
 * details and click-to-zoom. Self-contained: no external script, style sheet or font.
 * Owns the layout and the XML text only; output.c decides whether and where it is written.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Geometry, in SVG user units (pixels). Monospace glyphs are 0.6 em wide, so the number of
 * characters that fit a box is known without measuring text. */
#define SVG_WIDTH     1200.0
#define SVG_MARGIN    10.0
#define SVG_TOP       66.0 /* first row: below the title, subtitle and zoom button */
#define SVG_ROW       17.0 /* box height + 1 px gap */
#define SVG_BOX       16.0
#define SVG_FONT      12.0
#define SVG_CHAR      (SVG_FONT * 0.6)
#define SVG_MIN_WIDTH 0.1 /* narrower boxes (and their subtrees) are left out */

typedef struct tm__svg {
    tm__buf*    b;
    int         comp;
    const char* unit;
    double      total;        /* raw units of the "all" box */
    double      px_per_value; /* pixels per raw unit */
    int         max_depth;    /* deepest row drawn ("all" is row 0) */
    size_t      drawn;
    size_t      omitted;
    bool        measure; /* first pass: rows and counts only */
} tm__svg;

/* The length of a valid UTF-8 sequence at s, or 0 when the bytes there are not one. */
static size_t tm__utf8_length(const unsigned char* s)
{
    unsigned char c = s[0];
    size_t        n;
    unsigned      cp;
    if(c < 0x80) return 1;
    if(c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1fu;
    else if(c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0fu;
    else if(c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07u;
    else
        return 0;
    for(size_t i = 1; i < n; ++i)
    {
        if((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    /* overlong forms, surrogates and values past U+10FFFF are not characters */
    if((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
       (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* Appends at most max_chars characters of s as XML character data (max_chars < 0: all).
 * Labels are arbitrary bytes: what XML 1.0 cannot hold (control characters, bytes that are
 * not UTF-8) becomes U+FFFD, so the document always parses. */
static void tm__svg_text(tm__buf* b, const char* s, long max_chars)
{
    const unsigned char* p = (const unsigned char*)(s ? s : "");
    for(long count = 0; *p && (max_chars < 0 || count < max_chars); ++count)
    {
        size_t n = tm__utf8_length(p);
        if(n == 0 || (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r'))
        {
            tm__buf_puts(b, "\xef\xbf\xbd");
            p += n ? n : 1;
            continue;
        }
        switch(*p)
        {
        case '&':
            tm__buf_puts(b, "&amp;");
            break;
        case '<':
            tm__buf_puts(b, "&lt;");
            break;
        case '>':
            tm__buf_puts(b, "&gt;");
            break;
        default:
            tm__buf_append(b, (const char*)p, n);
            break;
        }
        p += n;
    }
}

/* Characters (code points) of a label; a byte that is not UTF-8 counts as one. */
static long tm__svg_chars(const char* s)
{
    long                 count = 0;
    const unsigned char* p     = (const unsigned char*)s;
    while(p && *p)
    {
        size_t n = tm__utf8_length(p);
        p += n ? n : 1;
        ++count;
    }
    return count;
}

/* The label drawn inside a box: all of it when it fits, else its head and "..", else none. */
static void tm__svg_box_text(tm__buf* b, const char* label, double width)
{
    long fit = (long)floor((width - 6.0) / SVG_CHAR);
    if(fit < 3) return;
    if(tm__svg_chars(label) <= fit)
        tm__svg_text(b, label, -1);
    else
    {
        tm__svg_text(b, label, fit - 2);
        tm__buf_puts(b, "..");
    }
}

/* A number with a fixed count of decimals and a '.' whatever LC_NUMERIC the program set:
 * attribute values and script constants must parse everywhere. */
static void tm__svg_fixed(tm__buf* b, double v, int decimals)
{
    long long scale = decimals >= 2 ? 100 : 10;
    long long n     = llround(v * (double)scale);
    if(n < 0) tm__buf_putc(b, '-');
    n = n < 0 ? -n : n;
    tm__buf_printf(b, "%lld.%0*lld", n / scale, decimals >= 2 ? 2 : 1, n % scale);
}

/* Warm colours (red to yellow) chosen by the label's hash: a function keeps its colour in
 * every graph of every run. */
static void tm__svg_fill(tm__buf* b, uint64_t key)
{
    uint64_t h  = key * 0x9e3779b97f4a7c15ull;
    unsigned r  = 205u + (unsigned)((h >> 8) % 51u);
    unsigned g  = (unsigned)((h >> 24) % 231u);
    unsigned bl = (unsigned)((h >> 40) % 56u);
    tm__buf_printf(b, "rgb(%u,%u,%u)", r, g, bl);
}

static double tm__svg_value(const int64_t accum[2])
{
    return accum[0] > 0 ? (double)accum[0] : 0.0;
}

static void tm__svg_display(tm__buf* b, const tm__svg* s, const int64_t raw[2])
{
    double v[2] = { 0.0, 0.0 };
    tm__get(s->comp, raw, v);
    tm__buf_printf(b, "%.6g", v[0]);
    if(s->unit && *s->unit) tm__buf_printf(b, " %s", s->unit);
}

/* <title>: the label, then a line of values (the script shows it as the details line). */
static void tm__svg_title(tm__svg* s, const char* label, const int64_t inclusive[2],
                          const int64_t* exclusive, uint64_t laps, const int* tids, int ntids)
{
    tm__buf* b = s->b;
    tm__buf_puts(b, "<title>");
    tm__svg_text(b, label, -1);
    tm__buf_putc(b, '\n');
    tm__svg_display(b, s, inclusive);
    double share = s->total > 0.0 ? 100.0 * tm__svg_value(inclusive) / s->total : 0.0;
    tm__buf_printf(b, ", %.2f%%", share);
    if(exclusive)
    {
        tm__buf_puts(b, ", self ");
        tm__svg_display(b, s, exclusive);
    }
    if(laps > 0) tm__buf_printf(b, ", %llu call%s", (unsigned long long)laps, laps == 1 ? "" : "s");
    if(ntids > 1 || (ntids == 1 && tids[0] != 0))
    {
        tm__buf_puts(b, ntids > 1 ? ", threads " : ", thread ");
        for(int i = 0; i < ntids; ++i) tm__buf_printf(b, "%s%d", i ? "," : "", tids[i]);
    }
    tm__buf_puts(b, "</title>");
}

static void tm__svg_box(tm__svg* s, int row, double x, double width, uint64_t key,
                        const char* label, const int64_t inclusive[2], const int64_t* exclusive,
                        uint64_t laps, const int* tids, int ntids)
{
    tm__buf* b = s->b;
    tm__buf_puts(b, "<g class=\"f\">");
    tm__svg_title(s, label, inclusive, exclusive, laps, tids, ntids);
    double y = SVG_TOP + row * SVG_ROW;
    tm__buf_puts(b, "<rect x=\"");
    tm__svg_fixed(b, x, 2);
    tm__buf_printf(b, "\" y=\"%.0f\" width=\"", y);
    tm__svg_fixed(b, width, 2);
    tm__buf_printf(b, "\" height=\"%.0f\" rx=\"2\" fill=\"", SVG_BOX);
    tm__svg_fill(b, key);
    tm__buf_puts(b, "\"/><text x=\"");
    tm__svg_fixed(b, x + 3.0, 2);
    tm__buf_printf(b, "\" y=\"%.0f\">", y + SVG_BOX - 4.0);
    tm__svg_box_text(b, label, width);
    tm__buf_puts(b, "</text></g>\n");
}

/* Children of n laid end to end from x, and theirs below them, depth first with a stack of
 * its own (a graph may be as deep as max_depth). A merge over threads can give children more
 * time than their parent (work of several threads under one call): they are then scaled down
 * together to the parent's width, so boxes never overhang. */
typedef struct tm__svg_frame {
    const tm__rnode* node;
    size_t           next;  /* the child to place next */
    double           x;     /* where it goes */
    double           scale; /* of the children's values */
    int              row;
} tm__svg_frame;

static tm__svg_frame tm__svg_frame_of(const tm__rnode* n, double x, double parent_value, int row)
{
    double sum = 0.0;
    for(size_t i = 0; i < n->nchildren; ++i) sum += tm__svg_value(n->children[i].accum);
    double scale = (sum > parent_value && sum > 0.0) ? parent_value / sum : 1.0;
    return (tm__svg_frame){ n, 0, x, scale, row };
}

static void tm__svg_children(tm__svg* s, const tm__rnode* n, double x, double parent_value, int row)
{
    size_t         depth = 0, cap = 64;
    tm__svg_frame* stack = malloc(cap * sizeof(*stack));
    if(!stack)
    {
        s->b->failed = true;
        return;
    }
    stack[depth++] = tm__svg_frame_of(n, x, parent_value, row);
    while(depth > 0)
    {
        tm__svg_frame* f = &stack[depth - 1];
        if(f->next == f->node->nchildren)
        {
            --depth;
            continue;
        }
        const tm__rnode* c     = &f->node->children[f->next++];
        double           value = tm__svg_value(c->accum) * f->scale;
        double           width = value * s->px_per_value;
        if(width < SVG_MIN_WIDTH)
        {
            ++s->omitted;
            continue;
        }
        ++s->drawn;
        int    at_row = f->row;
        double at_x   = f->x;
        if(at_row > s->max_depth) s->max_depth = at_row;
        if(!s->measure)
        {
            int64_t   self[2];
            tm__stats stats;
            tm__rnode_exclusive(s->comp, c, self, &stats);
            tm__svg_box(s, at_row, at_x, width, c->key, c->label, c->accum, self, c->laps,
                        tm__rnode_tids(c), c->ntids);
        }
        f->x += width;
        if(c->nchildren == 0) continue;
        if(depth == cap)
        {
            tm__svg_frame* grown = realloc(stack, 2 * cap * sizeof(*stack));
            if(!grown)
            {
                s->b->failed = true;
                break;
            }
            stack = grown;
            cap *= 2;
        }
        stack[depth++] = tm__svg_frame_of(c, at_x, value, at_row + 1);
    }
    free(stack);
}

/* Shows the title line of the box under the pointer; a click on a box makes it the full
 * width (its ancestors stretch above it, everything else hides); "Reset zoom" or Escape undo. */
static const char* const tm__svg_script_head = "<script type=\"text/ecmascript\"><![CDATA[\n"
                                               "(function(){\n";
static const char* const tm__svg_script =
    "var details=document.getElementById('details'),reset=document.getElementById('reset');\n"
    "var boxes=[].slice.call(document.querySelectorAll('g.f')).map(function(g){\n"
    "  var r=g.querySelector('rect'),t=g.querySelector('title').textContent;\n"
    "  var cut=t.lastIndexOf('\\n');\n"
    "  return {g:g,r:r,t:g.querySelector('text'),x:+r.getAttribute('x'),\n"
    "    w:+r.getAttribute('width'),y:+r.getAttribute('y'),label:t.slice(0,cut),\n"
    "    info:t.slice(cut+1)};});\n"
    "function place(b,x,w){b.r.setAttribute('x',x.toFixed(2));\n"
    "  b.r.setAttribute('width',w.toFixed(2));b.t.setAttribute('x',(x+3).toFixed(2));\n"
    "  var n=Math.floor((w-6)/CW),l=b.label;\n"
    "  b.t.textContent=n<3?'':(l.length<=n?l:l.slice(0,n-2)+'..');}\n"
    "function zoom(z){var e=1e-6;boxes.forEach(function(b){\n"
    "  if(!z){b.g.style.display='';b.g.style.opacity='';place(b,b.x,b.w);return;}\n"
    "  if(b.y<z.y&&b.x<=z.x+e&&b.x+b.w>=z.x+z.w-e){b.g.style.display='';\n"
    "    b.g.style.opacity='0.6';place(b,X0,W);}\n"
    "  else if(b.y>=z.y&&b.x>=z.x-e&&b.x+b.w<=z.x+z.w+e){b.g.style.display='';\n"
    "    b.g.style.opacity='';place(b,X0+(b.x-z.x)*W/z.w,b.w*W/z.w);}\n"
    "  else b.g.style.display='none';});\n"
    "  reset.style.opacity=z?'1':'0';}\n"
    "function find(e){for(var n=e.target;n&&n!==svg;n=n.parentNode)\n"
    "  if(n.getAttribute&&n.getAttribute('class')==='f')\n"
    "    for(var i=0;i<boxes.length;++i)if(boxes[i].g===n)return boxes[i];return null;}\n"
    "svg.addEventListener('mouseover',function(e){var b=find(e);\n"
    "  details.textContent=b?b.label+' \\u2014 '+b.info:' ';});\n"
    "svg.addEventListener('mouseout',function(){details.textContent=' ';});\n"
    "svg.addEventListener('click',function(e){var b=find(e);\n"
    "  if(b)zoom(b);else if(e.target===reset)zoom(null);});\n"
    "document.addEventListener('keydown',function(e){if(e.key==='Escape')zoom(null);});\n"
    "})();\n"
    "]]></script>\n";

void tm__write_flamegraph_svg(tm__buf* b, const tm__result* r)
{
    if(!b || !r || !tm__comp_valid(r->comp)) return;
    const tm__component_row* row = &tm__components[r->comp];
    tm__svg                  s;
    memset(&s, 0, sizeof(s));
    s.b    = b;
    s.comp = r->comp;
    s.unit = timemory_component_display_unit(r->comp, 0);

    int64_t total[2] = { 0, 0 };
    for(size_t i = 0; i < r->root.nchildren; ++i)
        if(r->root.children[i].accum[0] > 0) total[0] += r->root.children[i].accum[0];
    s.total        = (double)total[0];
    s.px_per_value = s.total > 0.0 ? (SVG_WIDTH - 2.0 * SVG_MARGIN) / s.total : 0.0;

    s.measure = true;
    if(s.total > 0.0) tm__svg_children(&s, &r->root, SVG_MARGIN, s.total, 1);
    s.measure      = false;
    size_t drawn   = s.drawn;
    size_t omitted = s.omitted;
    s.drawn = s.omitted = 0;

    double details_y = SVG_TOP + (s.max_depth + 1) * SVG_ROW + 16.0;
    double height    = details_y + 10.0;
    tm__buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
    tm__buf_printf(b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
                   "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"monospace\" "
                   "font-size=\"%.0f\">\n",
                   SVG_WIDTH, height, SVG_WIDTH, height, SVG_FONT);
    tm__buf_puts(b, "<style>g.f{cursor:pointer}g.f:hover rect{stroke:#000;stroke-width:1}"
                    "#reset{cursor:pointer;opacity:0}text{fill:#000}</style>\n");
    tm__buf_printf(b, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#f8f8f8\"/>\n",
                   SVG_WIDTH, height);

    tm__buf_printf(b, "<text x=\"%.0f\" y=\"24\" text-anchor=\"middle\" font-size=\"17\">",
                   SVG_WIDTH / 2.0);
    tm__svg_text(b, row->label, -1);
    tm__buf_puts(b, " flame graph \xe2\x80\x94 ");
    tm__svg_text(b, row->description, -1);
    tm__buf_puts(b, "</text>\n");
    tm__buf_printf(b, "<text x=\"%.0f\" y=\"42\" text-anchor=\"middle\" fill=\"#444\">",
                   SVG_WIDTH / 2.0);
    tm__buf_puts(b, "width \xe2\x88\x9d time; total ");
    tm__svg_display(b, &s, total);
    tm__buf_printf(b, " over %zu node%s", drawn, drawn == 1 ? "" : "s");
    if(r->thread_count > 1) tm__buf_printf(b, " of %d threads (summed)", r->thread_count);
    if(omitted > 0)
    {
        tm__buf_printf(b, ", %zu narrower than ", omitted);
        tm__svg_fixed(b, SVG_MIN_WIDTH, 1);
        tm__buf_puts(b, " px not drawn");
    }
    tm__buf_printf(b, "; pid %ld; hover for values, click to zoom</text>\n", r->pid);
    tm__buf_printf(b, "<text id=\"reset\" x=\"%.0f\" y=\"24\">Reset zoom</text>\n", SVG_MARGIN);
    tm__buf_printf(b, "<text id=\"details\" x=\"%.0f\" y=\"%.0f\"> </text>\n", SVG_MARGIN,
                   details_y);

    if(s.total > 0.0)
    {
        tm__svg_box(&s, 0, SVG_MARGIN, SVG_WIDTH - 2.0 * SVG_MARGIN, 0, "all", total, NULL, 0, NULL,
                    0);
        tm__svg_children(&s, &r->root, SVG_MARGIN, s.total, 1);
    }
    else
        tm__buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\">no time was recorded</text>\n", SVG_MARGIN,
                       SVG_TOP + 12.0);
    tm__buf_puts(b, tm__svg_script_head);
    tm__buf_puts(b, "var svg=document.documentElement,X0=");
    tm__svg_fixed(b, SVG_MARGIN, 1);
    tm__buf_puts(b, ",W=");
    tm__svg_fixed(b, SVG_WIDTH - 2.0 * SVG_MARGIN, 1);
    tm__buf_puts(b, ",CW=");
    tm__svg_fixed(b, SVG_CHAR, 2);
    tm__buf_puts(b, ";\n");
    tm__buf_puts(b, tm__svg_script);
    tm__buf_puts(b, "</svg>\n");
}
