/* test_output_svg.c -- the SVG flame graph from hand-built merged trees: box geometry
 * proportional to the values, children scaled into a parent they outgrow, labels escaped
 * for XML (and what XML cannot hold replaced), truncated box text, narrow boxes left out, an
 * empty result, nothing external referenced, numbers that ignore the locale, and (when python3
 * is on the machine) that the document parses as XML. */
#include "internal.h"
#include "tm_test.h"

#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

static int tm_svg_tid0[1] = { 0 };

static void tm_svg_node(tm__rnode* n, uint64_t key, const char* label, int depth, int64_t value,
                        uint64_t laps)
{
    memset(n, 0, sizeof(*n));
    n->id       = key;
    n->key      = key;
    n->label    = label;
    n->depth    = depth;
    n->tids     = tm_svg_tid0;
    n->ntids    = 1;
    n->laps     = laps;
    n->accum[0] = value;
    double v[2] = { (double)value, 0.0 };
    tm__stats_add(&n->stats, v, 1);
}

static void tm_svg_result(tm__result* r, tm__rnode* top, size_t ntop)
{
    memset(r, 0, sizeof(*r));
    r->comp           = TIMEMORY_WALL_CLOCK;
    r->pid            = 4242;
    r->thread_count   = 1;
    r->root.label     = "unknown-hash=0";
    r->root.tids      = tm_svg_tid0;
    r->root.ntids     = 1;
    r->root.children  = top;
    r->root.nchildren = ntop;
}

static char* tm_svg(const tm__result* r)
{
    tm__buf b;
    tm__buf_init(&b);
    tm__write_flamegraph_svg(&b, r);
    return tm__buf_take(&b);
}

/* The <g> of the box whose <title> starts with label (NULL when there is none). */
static char* tm_svg_box(const char* svg, const char* label)
{
    char head[256];
    snprintf(head, sizeof(head), "<g class=\"f\"><title>%s\n", label);
    const char* at = svg ? strstr(svg, head) : NULL;
    if(!at) return NULL;
    const char* end = strstr(at, "</g>");
    if(!end) return NULL;
    size_t n   = (size_t)(end - at) + 4;
    char*  box = malloc(n + 1);
    if(!box) return NULL;
    memcpy(box, at, n);
    box[n] = '\0';
    return box;
}

static double tm_svg_attr(const char* box, const char* name)
{
    char key[64];
    snprintf(key, sizeof(key), " %s=\"", name);
    const char* at = box ? strstr(box, key) : NULL;
    return at ? strtod(at + strlen(key), NULL) : -1.0;
}

/* 1 parsed, 0 rejected, -1 no python3 */
static int tm_svg_python_parses(const char* text)
{
    if(system("command -v python3 >/dev/null 2>&1") != 0) return -1;
    char path[] = "/tmp/tm_svg_XXXXXX";
    int  fd     = mkstemp(path);
    if(fd < 0) return -1;
    size_t n  = strlen(text);
    bool   ok = write(fd, text, n) == (ssize_t)n;
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof(cmd),
             "python3 -c 'import sys,xml.dom.minidom as m; m.parse(sys.argv[1])' %s 2>/dev/null",
             path);
    int rc = ok ? system(cmd) : -1;
    unlink(path);
    return rc == 0 ? 1 : 0;
}

static void tm_svg_check_parses(const char* text)
{
    int rc = tm_svg_python_parses(text);
    if(rc < 0)
        printf("  (python3 not found: SVG well-formedness not checked)\n");
    else
        CHECK_INT(rc, 1);
}

/* foo (800 ms) > bar (40 ms); baz (80 ms): 1180 px for 880 ms */
TM_TEST(output_svg_geometry)
{
    tm__rnode top[2], bar;
    tm_svg_node(&top[0], 11, "foo", 1, 800000000, 1);
    tm_svg_node(&bar, 22, "bar", 2, 40000000, 2);
    tm_svg_node(&top[1], 33, "baz", 1, 80000000, 1);
    top[0].children  = &bar;
    top[0].nchildren = 1;
    tm__result r;
    tm_svg_result(&r, top, 2);
    char* svg = tm_svg(&r);
    CHECK(svg != NULL);
    if(!svg) return;

    CHECK(strncmp(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"", 36) == 0);
    CHECK(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"") != NULL);
    CHECK(strstr(svg, "width=\"1200\" height=\"") != NULL);
    size_t n = strlen(svg);
    CHECK(n > 7 && strcmp(svg + n - 7, "</svg>\n") == 0);

    char* all = tm_svg_box(svg, "all");
    char* foo = tm_svg_box(svg, "foo");
    char* bb  = tm_svg_box(svg, "bar");
    char* baz = tm_svg_box(svg, "baz");
    CHECK(all && foo && bb && baz);
    CHECK_NEAR(tm_svg_attr(all, "x"), 10.0, 1e-9);
    CHECK_NEAR(tm_svg_attr(all, "width"), 1180.0, 1e-9);
    CHECK_NEAR(tm_svg_attr(foo, "x"), 10.0, 1e-9);
    CHECK_NEAR(tm_svg_attr(foo, "width"), 1180.0 * 800.0 / 880.0, 0.006);
    CHECK_NEAR(tm_svg_attr(bb, "x"), 10.0, 1e-9);
    CHECK_NEAR(tm_svg_attr(bb, "width"), 1180.0 * 40.0 / 880.0, 0.006);
    CHECK_NEAR(tm_svg_attr(baz, "x"), 10.0 + 1180.0 * 800.0 / 880.0, 0.006);
    CHECK_NEAR(tm_svg_attr(baz, "width"), 1180.0 * 80.0 / 880.0, 0.006);
    /* rows: all, then top level, then their children, one row (17 units) apart */
    CHECK_NEAR(tm_svg_attr(foo, "y") - tm_svg_attr(all, "y"), 17.0, 1e-9);
    CHECK_NEAR(tm_svg_attr(baz, "y"), tm_svg_attr(foo, "y"), 1e-9);
    CHECK_NEAR(tm_svg_attr(bb, "y") - tm_svg_attr(foo, "y"), 17.0, 1e-9);

    /* hover text: value in display units, share of the total, self time, calls */
    CHECK(foo && strstr(foo, "<title>foo\n0.8 sec, 90.91%, self 0.76 sec, 1 call</title>"));
    CHECK(bb && strstr(bb, "<title>bar\n0.04 sec, 4.55%, self 0.04 sec, 2 calls</title>"));
    CHECK(all && strstr(all, "<title>all\n0.88 sec, 100.00%</title>"));
    CHECK(strstr(svg, "total 0.88 sec over 3 nodes;") != NULL);
    CHECK(baz && strstr(baz, ">baz</text>"));
    /* different labels get their own colours, from the label's hash */
    CHECK(foo && bb && strcmp(strstr(foo, "fill="), strstr(bb, "fill=")) != 0);

    /* self-contained: nothing fetched from elsewhere */
    CHECK(strstr(svg, "href") == NULL);
    CHECK(strstr(svg, "src=") == NULL);
    CHECK(strstr(svg, "url(") == NULL);
    CHECK(strstr(svg, "@import") == NULL);
    CHECK(strstr(svg, "<![CDATA[") != NULL);
    tm_svg_check_parses(svg);
    free(all), free(foo), free(bb), free(baz), free(svg);
}

/* Threads merged under one call can hold more time than the call: the children are scaled
 * together into the parent's width, never past it. */
TM_TEST(output_svg_children_fit_parent)
{
    tm__rnode top, kids[2];
    tm_svg_node(&top, 1, "main", 1, 100000000, 1);
    tm_svg_node(&kids[0], 2, "work", 2, 80000000, 2);
    tm_svg_node(&kids[1], 3, "more", 2, 160000000, 2);
    int tids[2]   = { 0, 1 };
    kids[0].tids  = tids;
    kids[0].ntids = 2;
    top.children  = kids;
    top.nchildren = 2;
    tm__result r;
    tm_svg_result(&r, &top, 1);
    char* svg      = tm_svg(&r);
    char* main_box = tm_svg_box(svg, "main");
    char* work     = tm_svg_box(svg, "work");
    char* more     = tm_svg_box(svg, "more");
    CHECK(main_box && work && more);
    CHECK_NEAR(tm_svg_attr(main_box, "width"), 1180.0, 1e-9);
    CHECK_NEAR(tm_svg_attr(work, "width"), 1180.0 / 3.0, 0.006);
    CHECK_NEAR(tm_svg_attr(more, "x"), 10.0 + 1180.0 / 3.0, 0.006);
    CHECK_NEAR(tm_svg_attr(more, "width"), 1180.0 * 2.0 / 3.0, 0.006);
    /* the values shown stay the measured ones */
    CHECK(work && strstr(work, "<title>work\n0.08 sec, 80.00%, self 0.08 sec, 2 calls, "
                               "threads 0,1</title>"));
    tm_svg_check_parses(svg);
    free(main_box), free(work), free(more), free(svg);
}

/* Markup characters are escaped; control characters and bytes that are not UTF-8 become
 * U+FFFD (a cut-off sequence: one for its lead byte, one per stray continuation byte); valid
 * multi-byte characters pass. */
TM_TEST(output_svg_escaping)
{
    const char* label = "a<b>&\"c\" \x01z\xff\xc3\xa9\xe2\x82";
    tm__rnode   top;
    tm_svg_node(&top, 7, label, 1, 5000000, 1);
    tm__result r;
    tm_svg_result(&r, &top, 1);
    char* svg = tm_svg(&r);
    CHECK(svg != NULL);
    if(!svg) return;
    const char* escaped = "a&lt;b&gt;&amp;\"c\" \xef\xbf\xbdz\xef\xbf\xbd\xc3\xa9"
                          "\xef\xbf\xbd\xef\xbf\xbd";
    char        title[256];
    snprintf(title, sizeof(title), "<title>%s\n", escaped);
    CHECK(strstr(svg, title) != NULL);
    char text[256];
    snprintf(text, sizeof(text), ">%s</text>", escaped);
    CHECK(strstr(svg, text) != NULL);
    CHECK(strstr(svg, "a<b") == NULL);
    CHECK(strstr(svg, "\x01") == NULL);
    tm_svg_check_parses(svg);
    free(svg);
}

/* A label wider than its box is cut with "..", a box too narrow for 3 characters has no
 * text, and a box narrower than 0.1 px is not drawn (and counted). */
TM_TEST(output_svg_narrow_boxes)
{
    /* 1180 px for 1e9 in all: "long_label_here" gets 47.19 px, "short" 11.8, "dust" 0.0118 */
    tm__rnode all[4];
    tm_svg_node(&all[0], 1, "main_function_with_a_long_name", 1, 950000000, 1);
    tm_svg_node(&all[1], 2, "long_label_here", 1, 39990000, 1);
    tm_svg_node(&all[2], 4, "short", 1, 10000000, 1);
    tm_svg_node(&all[3], 3, "dust", 1, 10000, 1);
    tm__result r;
    tm_svg_result(&r, all, 4);
    char* svg = tm_svg(&r);
    CHECK(svg != NULL);
    if(!svg) return;
    char* main_box = tm_svg_box(svg, "main_function_with_a_long_name");
    char* longb    = tm_svg_box(svg, "long_label_here");
    char* shortb   = tm_svg_box(svg, "short");
    CHECK(main_box && strstr(main_box, ">main_function_with_a_long_name</text>"));
    /* floor((47.19 - 6) / 7.2) = 5 characters fit: 3 of the label and ".." */
    CHECK(longb && strstr(longb, ">lon..</text>"));
    CHECK(shortb && strstr(shortb, "></text>"));
    CHECK(tm_svg_box(svg, "dust") == NULL);
    CHECK(strstr(svg, "over 3 nodes, 1 narrower than 0.1 px not drawn;") != NULL);
    tm_svg_check_parses(svg);
    free(main_box), free(longb), free(shortb), free(svg);
}

/* No time at all: a valid document that says so, with no boxes. */
TM_TEST(output_svg_empty)
{
    tm__rnode top;
    tm_svg_node(&top, 1, "nothing", 1, 0, 1);
    tm__result r;
    tm_svg_result(&r, &top, 1);
    char* svg = tm_svg(&r);
    CHECK(svg && strstr(svg, "no time was recorded") != NULL);
    CHECK(svg && strstr(svg, "<g class=\"f\">") == NULL);
    if(svg) tm_svg_check_parses(svg);
    free(svg);
}

/* Coordinates and script constants keep a '.' under a locale whose decimal point is ','. */
TM_TEST(output_svg_decimal_point_of_the_locale)
{
    const char* names[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8" };
    const char* set     = NULL;
    for(size_t i = 0; i < 4 && !set; ++i) set = setlocale(LC_NUMERIC, names[i]);
    if(!set)
    {
        printf("  (no locale with a decimal comma installed: not checked)\n");
        return;
    }
    tm__rnode top[2];
    tm_svg_node(&top[0], 1, "one", 1, 1000000, 1);
    tm_svg_node(&top[1], 2, "two", 1, 2000000, 1);
    tm__result r;
    tm_svg_result(&r, top, 2);
    char* svg = tm_svg(&r);
    setlocale(LC_NUMERIC, "C");
    char* two = tm_svg_box(svg, "two");
    CHECK(two && strstr(two, "<rect x=\"403.33\" y=\"83\" width=\"786.67\""));
    CHECK(svg && strstr(svg, "X0=10.0,W=1180.0,CW=7.20;"));
    if(svg) tm_svg_check_parses(svg);
    free(two), free(svg);
}
