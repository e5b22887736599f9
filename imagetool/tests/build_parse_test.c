/* The Dockerfile front end: parser, substitution, .dockerignore, stage graph. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "build/dockerfile.h"
#include "build/dockerignore.h"
#include "build/stages.h"
#include "build/substitute.h"

static int parse(const char *text, struct dockerfile *df, keel_err *err)
{
    return dockerfile_parse(text, strlen(text), "Dockerfile", df, err);
}

Test(dockerfile, forms_flags_continuations_comments)
{
    struct dockerfile df;
    keel_err err = {0};
    int rc = parse("# syntax=docker/dockerfile:1\n"
                   "FROM busybox AS base\n"
                   "# a comment\n"
                   "RUN echo a \\\n"
                   "  # inside\n"
                   "\n"
                   "  && echo b\n"
                   "CMD [\"sh\", \"-c\", \"echo \\\"q\\\"\"]\n"
                   "copy --from=base --chown=1:2 /a /b\n"
                   "ENTRYPOINT [not json\n",
                   &df, &err);
    cr_assert_eq(rc, 0, "%s", err.msg);
    cr_assert_str_eq(df.syntax, "docker/dockerfile:1");
    cr_assert_eq(df.n, 5);
    cr_assert_str_eq(df.v[1].keyword, "run");
    cr_assert_eq(df.v[1].line, 4);
    cr_assert_str_eq(df.v[1].rest, "echo a   && echo b");
    cr_assert(!df.v[1].json);
    cr_assert(df.v[2].json);
    cr_assert_eq(df.v[2].args_len, 3);
    cr_assert_str_eq(df.v[2].args[2], "echo \"q\"");
    cr_assert_str_eq(df.v[3].keyword, "copy");
    cr_assert_str_eq(df_flag(&df.v[3], "from"), "base");
    cr_assert_str_eq(df_flag(&df.v[3], "chown"), "1:2");
    cr_assert_null(df_flag(&df.v[3], "chmod"));
    cr_assert_str_eq(df.v[3].rest, "/a /b");
    cr_assert(!df.v[4].json);
    cr_assert_str_eq(df.v[4].rest, "[not json");
    dockerfile_release(&df);
}

Test(dockerfile, escape_directive_backtick)
{
    struct dockerfile df;
    keel_err err = {0};
    cr_assert_eq(parse("# escape=`\nFROM scratch\nCOPY a `\n  c:\\dir\\\n", &df, &err), 0,
                 "%s", err.msg);
    cr_assert_eq(df.escape, '`');
    cr_assert_str_eq(df.v[1].rest, "a   c:\\dir\\");
    dockerfile_release(&df);
    cr_assert_eq(parse("# escape=x\nFROM scratch\n", &df, &err), -1);
    cr_assert_str_eq(err.msg, "Dockerfile:1: invalid escape token 'x' does not match ` or \\");
}

Test(dockerfile, heredocs)
{
    struct dockerfile df;
    keel_err err = {0};
    cr_assert_eq(parse("FROM scratch\nRUN <<EOF\necho $A\n  two\nEOF\n"
                       "COPY <<-'END' /f\n\tx\n\tEND\nENV A=1\n",
                       &df, &err), 0, "%s", err.msg);
    cr_assert_eq(df.n, 4);
    cr_assert_eq(df.v[1].heredocs_len, 1);
    cr_assert_str_eq(df.v[1].heredocs[0].name, "EOF");
    cr_assert_str_eq(df.v[1].heredocs[0].content, "echo $A\n  two\n");
    cr_assert(df.v[1].heredocs[0].expand);
    cr_assert_str_eq(df.v[2].heredocs[0].content, "x\n");
    cr_assert(!df.v[2].heredocs[0].expand);
    cr_assert_eq(df.v[3].line, 9);
    dockerfile_release(&df);
    cr_assert_eq(parse("FROM scratch\nRUN <<EOF\nnever ends\n", &df, &err), -1);
    cr_assert_str_eq(err.msg, "Dockerfile:2: unterminated heredoc EOF");
}

Test(dockerfile, errors_name_the_line)
{
    struct dockerfile df;
    keel_err err = {0};
    cr_assert_eq(parse("FROM scratch\n\nFOO bar\n", &df, &err), -1);
    cr_assert_str_eq(err.msg, "Dockerfile:3: unknown instruction: FOO");
    cr_assert_eq(parse("FROM scratch\nCOPY onlyone\n", &df, &err), -1);
    cr_assert_str_eq(err.msg, "Dockerfile:2: COPY requires at least two arguments");
    cr_assert_eq(parse("FROM scratch\nRUN\n", &df, &err), -1);
    cr_assert_str_eq(err.msg, "Dockerfile:2: RUN requires at least one argument");
    cr_assert_eq(parse("FROM scratch\nSHELL sh -c\n", &df, &err), -1);
    cr_assert_str_eq(err.msg, "Dockerfile:2: SHELL requires the arguments to be in JSON form");
    cr_assert_eq(parse("# only a comment\n", &df, &err), -1);
    cr_assert_eq(parse("FROM scratch\nONBUILD FROM x\n", &df, &err), -1);
    cr_assert_str_eq(err.msg, "Dockerfile:2: from isn't allowed as an ONBUILD trigger");
    cr_assert_eq(parse("FROM scratch\nONBUILD RUN echo hi\n", &df, &err), 0);
    cr_assert_str_eq(df.v[1].sub->keyword, "run");
    cr_assert_str_eq(df.v[1].sub->rest, "echo hi");
    dockerfile_release(&df);
}

static const char *vars(void *ctx, const char *name)
{
    (void)ctx;
    if (strcmp(name, "A") == 0)
        return "alpha";
    if (strcmp(name, "E") == 0)
        return "";
    if (strcmp(name, "S") == 0)
        return "x y";
    return NULL;
}

static const struct subst sub = {.escape = '\\', .lookup = vars};

static char *word(const char *in)
{
    char *out = NULL;
    keel_err err;
    cr_assert_eq(subst_word(&sub, in, &out, &err), 0, "%s: %s", in, err.msg);
    return out;
}

#define WORD_EQ(in, want) do { char *w_ = word(in); cr_assert_str_eq(w_, want, "%s", in); free(w_); } while (0)

Test(substitute, forms)
{
    WORD_EQ("$A", "alpha");
    WORD_EQ("${A}b", "alphab");
    WORD_EQ("$Ab", "");
    WORD_EQ("${U:-def}", "def");
    WORD_EQ("${E:-def}", "def");
    WORD_EQ("${E-def}", "");
    WORD_EQ("${A:+alt}", "alt");
    WORD_EQ("${U:+alt}", "");
    WORD_EQ("${E+alt}", "alt");
    WORD_EQ("${U:-${A}}", "alpha");
    WORD_EQ("\\$A", "$A");
    WORD_EQ("'$A'", "$A");
    WORD_EQ("\"$A $S\"", "alpha x y");
    WORD_EQ("\"a\\\"b\\$A\"", "a\"b$A");
    WORD_EQ("a\\ b", "a b");
    WORD_EQ("$", "$");
    WORD_EQ("cost $5", "cost ");
    char *out;
    keel_err err;
    cr_assert_eq(subst_word(&sub, "${U:?must be set}", &out, &err), -1);
    cr_assert_str_eq(err.msg, "U: must be set");
    cr_assert_eq(subst_word(&sub, "${A", &out, &err), -1);
    cr_assert_eq(subst_word(&sub, "'open", &out, &err), -1);
    struct subst bt = {.escape = '`', .lookup = vars};
    cr_assert_eq(subst_word(&bt, "`$A c:\\x", &out, &err), 0);
    cr_assert_str_eq(out, "$A c:\\x");
    free(out);
}

Test(substitute, words_and_heredoc)
{
    char **w;
    size_t n;
    keel_err err;
    cr_assert_eq(subst_words(&sub, "  $S \"$S\" '' z ", &w, &n, &err), 0);
    cr_assert_eq(n, 5);
    cr_assert_str_eq(w[0], "x");
    cr_assert_str_eq(w[1], "y");
    cr_assert_str_eq(w[2], "x y");
    cr_assert_str_eq(w[3], "");
    cr_assert_str_eq(w[4], "z");
    for (size_t i = 0; i < n; i++)
        free(w[i]);
    free(w);
    char *out;
    cr_assert_eq(subst_heredoc(&sub, "\"$A\" \\$A '${A}'\n", &out, &err), 0);
    cr_assert_str_eq(out, "\"alpha\" $A 'alpha'\n");
    free(out);
    cr_assert_eq(split_raw_words("A=\"x y\" B='1 2' C=a\\ b", '\\', &w, &n, &err), 0);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(w[0], "A=\"x y\"");
    cr_assert_str_eq(w[2], "C=a\\ b");
    for (size_t i = 0; i < n; i++)
        free(w[i]);
    free(w);
}

Test(dockerignore, patterns)
{
    cr_assert(ignore_glob("**/*.go", "a/b/c.go"));
    cr_assert(ignore_glob("**/*.go", "c.go"));
    cr_assert(!ignore_glob("**/*.go", "xc.gox"));
    cr_assert(ignore_glob("a/**", "a/b/c"));
    cr_assert(ignore_glob("*/temp*", "sub/tempfile"));
    cr_assert(!ignore_glob("*/temp*", "a/b/tempfile"));
    cr_assert(ignore_glob("temp?", "temp1"));
    cr_assert(!ignore_glob("temp?", "temp/"));
    cr_assert(ignore_glob("[a-c]x", "bx"));
    cr_assert(!ignore_glob("[^a-c]x", "bx"));
    const char *text = "# comment\n*.md\n!README.md\n/build\n  \nsecret/**\n!secret/keep\n";
    struct dockerignore d;
    keel_err err;
    cr_assert_eq(dockerignore_parse(text, strlen(text), &d, &err), 0);
    cr_assert_eq(d.n, 5);
    cr_assert(dockerignore_excludes(&d, "notes.md"));
    cr_assert(!dockerignore_excludes(&d, "README.md"));
    cr_assert(dockerignore_excludes(&d, "build"));
    cr_assert(dockerignore_excludes(&d, "build/out/x"));
    cr_assert(!dockerignore_excludes(&d, "src/build"));
    cr_assert(dockerignore_excludes(&d, "secret/key"));
    cr_assert(!dockerignore_excludes(&d, "secret/keep"));
    cr_assert(!dockerignore_excludes(&d, "main.c"));
    dockerignore_release(&d);
}

static const char *global_args(void *ctx, const char *name)
{
    (void)ctx;
    return strcmp(name, "BASE") == 0 ? "busybox:1" : NULL;
}

Test(stages, target_and_dependencies)
{
    const char *text = "ARG BASE=x\n"
                       "FROM $BASE AS deps\nRUN true\n"
                       "FROM scratch AS unused\nCOPY a b\n"
                       "FROM deps AS build\nRUN make\n"
                       "FROM alpine AS other\nCOPY --from=0 /x /y\n"
                       "FROM scratch AS final\nCOPY --from=build /out /out\n"
                       "RUN --mount=type=bind,from=other,target=/o true\n";
    struct dockerfile df;
    keel_err err = {0};
    cr_assert_eq(parse(text, &df, &err), 0, "%s", err.msg);
    struct subst g = {.escape = '\\', .lookup = global_args};
    struct build_plan p;
    cr_assert_eq(build_plan_make(&df, "Dockerfile", &g, NULL, &p, &err), 0, "%s", err.msg);
    cr_assert_eq(p.n, 5);
    cr_assert_eq(p.target, 4);
    cr_assert_str_eq(p.v[0].base, "busybox:1");
    cr_assert_eq(p.v[2].base_stage, 0);
    cr_assert(p.v[0].needed && p.v[2].needed && p.v[3].needed && p.v[4].needed);
    cr_assert(!p.v[1].needed);
    build_plan_release(&p);
    cr_assert_eq(build_plan_make(&df, "Dockerfile", &g, "BUILD", &p, &err), 0);
    cr_assert_eq(p.target, 2);
    cr_assert(p.v[0].needed && !p.v[1].needed && !p.v[3].needed && !p.v[4].needed);
    build_plan_release(&p);
    cr_assert_eq(build_plan_make(&df, "Dockerfile", &g, "nope", &p, &err), -1);
    cr_assert_str_eq(err.msg, "target stage \"nope\" could not be found");
    dockerfile_release(&df);
    cr_assert_eq(parse("RUN x\nFROM scratch\n", &df, &err), 0);
    cr_assert_eq(build_plan_make(&df, "Dockerfile", &g, NULL, &p, &err), -1);
    cr_assert_str_eq(err.msg, "Dockerfile:1: no build stage in current context");
    dockerfile_release(&df);
    cr_assert_eq(parse("FROM a AS x\nFROM b AS X\n", &df, &err), 0);
    cr_assert_eq(build_plan_make(&df, "Dockerfile", &g, NULL, &p, &err), -1);
    cr_assert_str_eq(err.msg, "Dockerfile:2: duplicate stage name \"x\"");
    dockerfile_release(&df);
}
