/* The floor of `make bench` (issue 14): the least any Markdown-to-HTML site generator built on
 * libcmark-gfm must do for a handbook. One process reads every page under IN, drops its front
 * matter, parses it with the GFM extensions opsbook uses, renders HTML and writes one file per
 * page under OUT, mirroring the folders (IN/a/b.md -> OUT/a/b.html). No templates, navigation
 * or checks: opsbook's time over this is what its own work costs.
 *
 * Build: cc -O2 -o floor floor.c $(pkg-config --cflags --libs libcmark-gfm) -lcmark-gfm-extensions
 * (Debian ships no .pc file for libcmark-gfm-extensions.)  Usage: floor IN OUT */
#define _XOPEN_SOURCE 700
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *in_root, *out_root;
static size_t in_len;
static long pages;
static const char *const extension_names[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};

static void die(const char *what, const char *path) {
    fprintf(stderr, "floor: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static char *read_all(const char *path, size_t *len) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) die("open", path);
    struct stat st;
    if (fstat(fd, &st) != 0) die("stat", path);
    char *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n <= 0) die("read", path);
        got += (size_t)n;
    }
    close(fd);
    buf[got] = 0;
    *len = got;
    return buf;
}

static void write_all(const char *path, const char *data, size_t len) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die("create", path);
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n <= 0) die("write", path);
        data += n;
        len -= (size_t)n;
    }
    close(fd);
}

/* A page's Markdown starts after a leading "---" ... "---" block, as in opsbook's format. */
static const char *body_of(const char *text, size_t *len) {
    if (strncmp(text, "---\n", 4) != 0) return text;
    const char *end = strstr(text + 3, "\n---\n");
    if (!end) return text;
    end += 5;
    *len -= (size_t)(end - text);
    return end;
}

static char *render(const char *md, size_t len) {
    cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
    for (size_t i = 0; i < sizeof extension_names / sizeof *extension_names; i++)
        cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(extension_names[i]));
    cmark_parser_feed(parser, md, len);
    cmark_node *doc = cmark_parser_finish(parser);
    char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser));
    cmark_node_free(doc);
    cmark_parser_free(parser);
    return html;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st; (void)ftw;
    char out[4096];
    snprintf(out, sizeof out, "%s%s", out_root, path + in_len);
    if (type == FTW_D) {
        if (mkdir(out, 0755) != 0 && errno != EEXIST) die("mkdir", out);
        return 0;
    }
    size_t n = strlen(out);
    if (type != FTW_F || n < 3 || strcmp(out + n - 3, ".md") != 0) return 0;
    strcpy(out + n - 3, ".html");
    size_t len;
    char *text = read_all(path, &len);
    const char *md = body_of(text, &len);
    char *html = render(md, len);
    write_all(out, html, strlen(html));
    free(html);
    free(text);
    pages++;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: floor IN OUT\n");
        return 2;
    }
    in_root = argv[1];
    out_root = argv[2];
    in_len = strlen(in_root);
    cmark_gfm_core_extensions_ensure_registered();
    if (nftw(in_root, visit, 32, FTW_PHYS) != 0) die("walk", in_root);
    fprintf(stderr, "floor: %ld pages\n", pages);
    return 0;
}
