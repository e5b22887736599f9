/* Go's text/template as docker uses it: each expectation is what Go's
 * text/template prints for the same template over the same JSON decoded
 * into map[string]interface{} (docker's inspect fallback), or over docker's
 * string-field contexts for ps and images. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "keel/template.h"

static const char *doc =
    "{\"Name\":\"web\",\"N\":3,\"Z\":0,\"F\":1.5,\"T\":true,\"A\":{\"C\":null,\"B\":\"bee\"},"
    "\"L\":[\"x\",\"y\"],\"E\":[],\"M\":{\"b\":\"2\",\"a\":\"1\"},\"S\":\"a<b>&\\\"q\\\"\"}";

/* The template over doc, or NULL with the error in err. */
static char *run(const char *tmpl, keel_err *err)
{
    struct keel_template *t;
    if (keel_template_parse(tmpl, &t, err) < 0)
        return NULL;
    char *out = NULL;
    size_t len = 0;
    int rc = keel_template_exec(t, doc, strlen(doc), false, &out, &len, err);
    keel_template_free(t);
    if (rc < 0) {
        free(out);
        return NULL;
    }
    return out;
}

static void expect(const char *tmpl, const char *want)
{
    keel_err err = {0};
    char *got = run(tmpl, &err);
    cr_assert_not_null(got, "%s: %s", tmpl, err.msg);
    cr_expect_str_eq(got, want, "%s", tmpl);
    free(got);
}

static void expect_error(const char *tmpl, const char *msg)
{
    keel_err err = {0};
    char *got = run(tmpl, &err);
    cr_expect_null(got, "%s gave %s", tmpl, got ? got : "");
    cr_expect(strstr(err.msg, msg) != NULL, "%s: %s", tmpl, err.msg);
    free(got);
}

Test(template, fields_and_printing)
{
    expect("{{.Name}}", "web");
    expect("{{.A.B}}", "bee");
    /* a struct's missing field is an error, a map's missing key "<no value>" */
    expect_error("{{.Missing}}", "map has no entry for key \"Missing\"");
    expect("{{.M.zz}} {{.A.C.D}}", "<no value> <no value>");
    expect("{{.N}} {{.F}} {{.T}}", "3 1.5 true");
    expect("{{.L}}", "[x y]");
    expect("{{.E}}", "[]");
    expect("{{.A}}", "{<nil> bee}");
    expect("{{.M}}", "map[a:1 b:2]");
    /* docker's structs print as Go's {v1 v2}, its maps as map[k:v] sorted, its nil
     * slices as [] */
    expect("{{.}}", "{web 3 0 1.5 true {<nil> bee} [x y] [] map[a:1 b:2] a<b>&\"q\"}");
    expect("{{.M}} {{.A.C}}", "map[a:1 b:2] <nil>");
    expect("a{{/* a comment */}}b", "ab");
    expect_error("{{.Name.X}}", "can't evaluate field X in type string");
}

Test(template, json)
{
    expect("{{json .L}}", "[\"x\",\"y\"]");
    expect("{{json .S}}", "\"a<b>&\\\"q\\\"\"");
    expect("{{json .M.zz}}", "null");
    expect("{{json .N}}", "3");
    expect("{{json .E}}", "[]");
}

Test(template, control)
{
    expect("{{range .L}}[{{.}}]{{end}}", "[x][y]");
    expect("{{range $i, $e := .L}}{{$i}}={{$e}};{{end}}", "0=x;1=y;");
    expect("{{range $e := .L}}{{$e}}{{end}}", "xy");
    expect("{{range $k, $v := .M}}{{$k}}:{{$v}} {{end}}", "a:1 b:2 ");
    expect("{{range .E}}x{{else}}empty{{end}}", "empty");
    expect("{{range .L}}{{$.Name}}-{{.}} {{end}}", "web-x web-y ");
    expect("{{if .T}}yes{{else}}no{{end}}", "yes");
    expect("{{if .E}}yes{{else}}no{{end}}", "no");
    expect("{{if .Z}}yes{{else}}no{{end}}", "no");
    expect("{{if eq .N 1}}one{{else if eq .N 3}}three{{else}}other{{end}}", "three");
    expect("{{if gt .N 5}}big{{else if lt .N 2}}small{{end}}.", ".");
    expect("{{with .A}}{{.B}}{{end}}", "bee");
    expect("{{with .M.zz}}a{{else}}b{{end}}", "b");
    expect("{{$x := .Name}}{{$x}}{{$x = \"other\"}} {{$x}}", "web other");
    expect("{{if .T}}{{$y := 1}}{{$y}}{{end}}", "1");
    expect_error("{{if .T}}{{$y := 1}}{{end}}{{$y}}", "undefined variable: $y");
    expect_error("{{if .T}}x", "unexpected EOF");
    expect_error("{{end}}", "unexpected {{end}}");
    expect_error("{{range .Name}}x{{end}}", "range can't iterate over web");
}

Test(template, trimming)
{
    expect("a  {{- .Name -}}  b", "awebb");
    expect("{{range .L -}}\n  {{.}}\n{{- end}}", "xy");
    expect("{{- 3}}", "3");
    expect("{{3 -}} x", "3x");
}

Test(template, functions)
{
    expect("{{len .L}} {{len .Name}} {{len .M}}", "2 3 2");
    expect("{{index .L 1}} {{index .M \"b\"}} {{index .A \"B\"}}", "y 2 bee");
    expect("{{index .M \"zz\"}}|", "|");
    expect_error("{{index .L 5}}", "index out of range: 5");
    expect("{{join .L \", \"}}", "x, y");
    expect("{{split \"a/b/c\" \"/\"}} {{index (split \"a:b\" \":\") 1}}", "[a b c] b");
    expect("{{lower \"AbC\"}} {{upper .Name}} {{title \"hello wide world\"}}", "abc WEB Hello Wide World");
    expect("{{printf \"%-6s|%5d|%q|%v\" .Name .N .Name .L}}", "web   |    3|\"web\"|[x y]");
    expect("{{printf \"%s\" .N}}", "%!s(int=3)");
    expect("{{printf \"%.1f %05d %x\" .F .N .Name}}", "1.5 00003 776562");
    expect("{{printf \"%d\"}}", "%!d(MISSING)");
    expect("{{printf \"%T %T %T\" .N .Name .L}}", "int string []interface {}");
    expect("{{println .Name .N}}", "web 3\n");
    expect("{{print \"a\" 1 2 \"b\"}}", "a1 2b");
    expect("{{.Name | printf \"<%s>\"}}", "<web>");
    expect("{{.L | len}}", "2");
    expect("{{pad .Name 1 2}}|{{truncate .Name 2}}", " web  |we");
    expect_error("{{nosuch .Name}}", "function \"nosuch\" not defined");
    expect_error("{{.Name 3}}", "");
}

Test(template, logic)
{
    expect("{{eq .Name \"web\"}} {{ne .N 3}} {{eq .N 1 2 3}}", "true false true");
    expect("{{lt .N 4}} {{le .N 3}} {{gt .F 2}} {{ge .Name \"a\"}}", "true true false true");
    expect("{{and .T .N}} {{and .T .Z .N}} {{or .Z .Name}} {{or .Z .E}}", "3 0 web []");
    expect("{{not .T}} {{not .E}}", "false true");
    expect("{{if and (eq .N 3) (not .Z)}}ok{{end}}", "ok");
    expect_error("{{eq .N \"3\"}}", "incompatible types for comparison");
    expect_error("{{lt .T .T}}", "invalid type for comparison");
}

/* docker's --format: rows, the table directive and its alignment. */
static void expect_format(const char *format, const char *rows, const char *header, const char *want)
{
    keel_err err = {0};
    char *out;
    size_t len;
    cr_assert_eq(keel_format(format, rows, strlen(rows), header, &out, &len, &err), 0, "%s", err.msg);
    cr_expect_str_eq(out, want, "%s", format);
    free(out);
}

Test(template, docker_formats)
{
    const char *rows = "[{\"ID\":\"abc\",\"Names\":\"web\",\"Status\":\"Up 2 seconds\",\"Label\":{\"k\":\"v\"}},"
                       "{\"ID\":\"defgh12345678\",\"Names\":\"x\",\"Status\":\"Exited (0)\",\"Label\":{}}]";
    const char *head = "{\"ID\":\"CONTAINER ID\",\"Names\":\"NAMES\",\"Status\":\"STATUS\",\"Label\":\"LABEL\"}";
    expect_format("table {{.ID}}\\t{{.Names}}\\t{{.Status}}", rows, head,
                  "CONTAINER ID    NAMES     STATUS\n"
                  "abc             web       Up 2 seconds\n"
                  "defgh12345678   x         Exited (0)\n");
    expect_format("{{.Names}}", rows, head, "web\nx\n");
    expect_format("{{.ID}}: {{upper .Names}}\\n-", rows, head, "abc: WEB\n-\ndefgh12345678: X\n-\n");
    expect_format("table {{.Names}}\\t{{.Label \"k\"}}", rows, head,
                  "NAMES     LABEL\nweb       v\nx         \n");
    expect_format("table {{.Names}}", "[]", head, "NAMES\n");
    /* docker's typed nils: a slice prints [], a map map[], a pointer <nil> */
    expect_format("{{.Entrypoint}} {{.Labels}} {{.Health}}",
                  "[{\"Entrypoint\":null,\"Labels\":null,\"Health\":null}]", NULL, "[] map[] <nil>\n");
    /* inspect -f: no table, no escapes */
    expect_format("{{.Names}}\\t", rows, NULL, "web\\t\nx\\t\n");
}

Test(template, tabwriter)
{
    size_t n;
    const char *in = "a\tbb\tc\nlonger cell\tx\t\nno tabs\nq\tr\n";
    char *out = keel_tabwriter(in, strlen(in), 10, 3, &n);
    cr_assert_str_eq(out, "a             bb        c\nlonger cell   x         \nno tabs\nq         r\n");
    free(out);
}
