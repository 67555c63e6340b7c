/* csv.c: RFC 4180 reader with positions for error messages (see csv.h). */
#include "csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void fslaw_csv_init(csv_reader *r, const char *name, const char *data, size_t len) {
  memset(r, 0, sizeof *r);
  r->name = name;
  r->data = data;
  r->len = len;
  r->line = 1;
  if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) r->pos = r->line_start = 3;
}

void fslaw_csv_free(csv_reader *r) {
  free(r->buf);
  free(r->fields);
  r->buf = NULL;
  r->fields = NULL;
}

size_t fslaw_csv_column(const char *data, size_t line_start, size_t pos) {
  size_t col = 1;
  for (size_t i = line_start; i < pos; i++)
    if (((unsigned char)data[i] & 0xC0) != 0x80) col++;
  return col;
}

static int push_field(csv_reader *r, size_t start, size_t line, size_t col) {
  if (r->nfields == r->fields_cap) {
    size_t cap = r->fields_cap ? 2 * r->fields_cap : 16;
    csv_field *f = realloc(r->fields, cap * sizeof *f);
    if (!f) return 0;
    r->fields = f;
    r->fields_cap = cap;
  }
  /* text is an offset until the record is complete (buf may move). */
  r->fields[r->nfields++] = (csv_field){(const char *)(uintptr_t)start, 0, line, col};
  return 1;
}

/* The record's text can never exceed the rest of the input plus one NUL per field. */
static int reserve(csv_reader *r, size_t need) {
  if (need <= r->buf_cap) return 1;
  size_t cap = r->buf_cap ? r->buf_cap : 256;
  while (cap < need) cap *= 2;
  char *b = realloc(r->buf, cap);
  if (!b) return 0;
  r->buf = b;
  r->buf_cap = cap;
  return 1;
}

static int fail_at(csv_reader *r, size_t pos, const char *what, fslaw_error *err) {
  return fslaw_fail(err, FSLAW_EPARSE, "%s:%zu:%zu: %s", r->name, r->line,
                    fslaw_csv_column(r->data, r->line_start, pos), what);
}

static void newline(csv_reader *r, size_t next) {
  r->line++;
  r->line_start = next;
}

/* Read one field starting at r->pos; returns the byte that ended it
 * (',' '\n' or 0 at end of input) or -1 on error. */
static int read_field(csv_reader *r, size_t *used, fslaw_error *err) {
  const char *d = r->data;
  size_t n = r->len;
  if (r->pos < n && d[r->pos] == '"') {
    size_t open = r->pos++;
    size_t open_line = r->line, open_start = r->line_start;
    for (;;) {
      if (r->pos >= n) {
        r->line = open_line;
        r->line_start = open_start;
        fail_at(r, open, "unterminated quoted field", err);
        return -1;
      }
      char c = d[r->pos++];
      if (c == '"') {
        if (r->pos < n && d[r->pos] == '"') {
          r->buf[(*used)++] = '"';
          r->pos++;
          continue;
        }
        break;
      }
      if (c == '\n') newline(r, r->pos);
      r->buf[(*used)++] = c;
    }
    if (r->pos < n && d[r->pos] == '\r' && r->pos + 1 < n && d[r->pos + 1] == '\n') r->pos++;
    if (r->pos < n && d[r->pos] != ',' && d[r->pos] != '\n') {
      fail_at(r, r->pos, "unexpected character after closing quote", err);
      return -1;
    }
  } else {
    while (r->pos < n && d[r->pos] != ',' && d[r->pos] != '\n') {
      char c = d[r->pos++];
      if (c == '"') {
        fail_at(r, r->pos - 1, "quote inside an unquoted field", err);
        return -1;
      }
      if (c == '\r' && (r->pos == n || d[r->pos] == '\n')) continue; /* CRLF */
      r->buf[(*used)++] = c;
    }
  }
  if (r->pos >= n) return 0;
  return d[r->pos++];
}

static int blank_line(const csv_reader *r) {
  size_t p = r->pos;
  if (p < r->len && r->data[p] == '\r') p++;
  return p >= r->len || r->data[p] == '\n';
}

int fslaw_csv_next(csv_reader *r, fslaw_error *err) {
  while (r->pos < r->len && blank_line(r)) { /* skip blank lines */
    while (r->pos < r->len && r->data[r->pos] != '\n') r->pos++;
    if (r->pos < r->len) newline(r, ++r->pos);
  }
  if (r->pos >= r->len) return 0;
  r->nfields = 0;
  if (!reserve(r, r->len - r->pos + 64)) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  size_t used = 0;
  for (;;) {
    size_t line = r->line, col = fslaw_csv_column(r->data, r->line_start, r->pos);
    size_t start = used;
    if (!reserve(r, used + (r->len - r->pos) + 2) || !push_field(r, start, line, col))
      return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
    int end = read_field(r, &used, err);
    if (end < 0) return FSLAW_EPARSE;
    r->fields[r->nfields - 1].len = used - start;
    r->buf[used++] = '\0';
    if (end == '\n') newline(r, r->pos);
    if (end != ',') break;
  }
  for (size_t i = 0; i < r->nfields; i++)
    r->fields[i].text = r->buf + (size_t)(uintptr_t)r->fields[i].text;
  return 1;
}
