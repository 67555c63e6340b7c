/* csv.h: an RFC 4180 record reader over a memory buffer (internal).
 *
 * Written here rather than taken from a library (libcsv) because every error
 * must name file:line:column of the offending cell, including inside quoted
 * fields that span lines, and libcsv reports no positions. */
#ifndef FSLAW_CSV_H
#define FSLAW_CSV_H

#include <stddef.h>

#include "fslaw/common.h"

/* One field of the current record. */
typedef struct {
  const char *text; /* NUL-terminated, unquoted text (points into the record buffer) */
  size_t len;       /* length of text in bytes */
  size_t line;      /* 1-based line where the field starts */
  size_t col;       /* 1-based column (UTF-8 characters) where the field starts */
} csv_field;

/* Reader state; zero-initialise, then fslaw_csv_init. */
typedef struct {
  const char *name;    /* file name for messages */
  const char *data;    /* input bytes */
  size_t len;          /* number of input bytes */
  size_t pos;          /* next byte to read */
  size_t line;         /* current 1-based line */
  size_t line_start;   /* offset of the current line's first byte */
  char *buf;           /* unquoted text of the current record's fields */
  size_t buf_cap;      /* capacity of buf */
  csv_field *fields;   /* fields of the current record */
  size_t nfields;      /* number of fields in the current record */
  size_t fields_cap;   /* capacity of fields */
} csv_reader;

/* Start reading data (a UTF-8 byte-order mark is skipped). */
void fslaw_csv_init(csv_reader *r, const char *name, const char *data, size_t len);
/* Read the next record into r->fields: 1 = a record, 0 = end of input,
 * negative status on malformed input (err names file:line:column).
 * Blank lines are skipped. */
int fslaw_csv_next(csv_reader *r, fslaw_error *err);
/* Free the reader's buffers. */
void fslaw_csv_free(csv_reader *r);

/* 1-based column, in UTF-8 characters, of byte offset `pos` on the line
 * starting at byte offset `line_start`. */
size_t fslaw_csv_column(const char *data, size_t line_start, size_t pos);

#endif
