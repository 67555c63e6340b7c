/* wandb.c: history rows of a W&B transaction log (see wandb.h). zlib gives
 * the CRC-32 the log's records carry; protoc-c's decoder (wandb.proto) reads
 * each record. */
#include "wandb.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "wandb.pb-c.h"

enum {
  HEADER = 7,    /* the file's header, and each chunk's: CRC (4), length (2), type (1) */
  BLOCK = 32768, /* chunks never cross a block; a block's last < 7 bytes are zeros */
  FULL = 1, FIRST, MIDDLE, LAST
};

static uint32_t le(const unsigned char *p, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

int fslaw_wdb_is_log(const char *data, size_t len) {
  const unsigned char *p = (const unsigned char *)data;
  return len >= HEADER && !memcmp(p, ":W&B", 4) && le(p + 4, 2) == 0xBEE1;
}

void fslaw_wdb_history_free(wdb_history *h) {
  free(h->jsonl);
  free(h->at);
  free(h->name);
  *h = (wdb_history){0};
}

/* 1 when p[0..n) are all zero bytes. */
static int zeros(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

/* A growing byte buffer. */
typedef struct {
  char *p;          /* bytes */
  size_t n, cap;    /* used, capacity */
} buf;

static int put(buf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (b->n + n + 1 > cap) cap *= 2;
    char *q = realloc(b->p, cap);
    if (!q) return 0;
    b->p = q, b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
  return 1;
}

/* s as a JSON string. */
static int put_string(buf *b, const char *s) {
  int ok = put(b, "\"", 1);
  for (; ok && *s; s++) {
    unsigned char c = (unsigned char)*s;
    char esc[8];
    if (c == '"' || c == '\\') ok = put(b, "\\", 1) && put(b, s, 1);
    else if (c < 0x20) ok = put(b, esc, (size_t)snprintf(esc, sizeof esc, "\\u%04x", c));
    else ok = put(b, s, 1);
  }
  return ok && put(b, "\"", 1);
}

/* An item's key into k: its nested keys joined by '.' (as W&B shows them;
 * wandb-core writes every key so) when it has them, else its own. */
static int item_key(buf *k, const FslawWb__HistoryItem *it) {
  int ok = put(k, "", 0);
  if (!it->n_nested_key) return ok && put(k, it->key, strlen(it->key));
  for (size_t i = 0; ok && i < it->n_nested_key; i++)
    ok = (!i || put(k, ".", 1)) && put(k, it->nested_key[i], strlen(it->nested_key[i]));
  return ok;
}

/* "key":value after a ',' unless first. A line end in value (W&B writes
 * none; outside a string it is white space, inside one invalid) is written
 * as a space, so that the record stays one JSONL line. */
static int put_pair(buf *b, const char *key, const char *value, int *first) {
  int ok = (*first || put(b, ",", 1)) && put_string(b, key) && put(b, ":", 1);
  *first = 0;
  for (const char *v = value; ok && *v;) {
    size_t run = strcspn(v, "\r\n");
    ok = put(b, v, run);
    v += run;
    if (ok && *v) ok = put(b, " ", 1), v++;
  }
  return ok;
}

/* An object's members as "prefix.name" pairs, objects within flattened the
 * same way: the older SDK logs wandb.log({"train": {"loss": x}}) as one item
 * "train" whose value is an object, wandb-core as "train.loss". A W&B media
 * or table value ({"_type": ...}) is a value of its own. */
static int put_flat(buf *b, const char *prefix, const cJSON *obj, int *first) {
  const cJSON *m;
  int ok = 1;
  cJSON_ArrayForEach(m, obj) {
    buf k = {0};
    ok = put(&k, prefix, strlen(prefix)) && put(&k, ".", 1) && put(&k, m->string, strlen(m->string));
    if (ok && cJSON_IsObject(m) && !cJSON_GetObjectItemCaseSensitive(m, "_type")) {
      ok = put_flat(b, k.p, m, first);
    } else if (ok) {
      char *v = cJSON_PrintUnformatted(m);
      ok = v && put_pair(b, k.p, v, first);
      free(v);
    }
    free(k.p);
    if (!ok) break;
  }
  return ok;
}

/* One item: its value, or an object value's members flattened. A value
 * cJSON cannot read (Python's NaN inside an object) is kept whole. */
static int put_item(buf *b, const char *key, const char *value, int *first) {
  const char *v = value + strspn(value, " \t\r\n");
  cJSON *obj = *v == '{' ? cJSON_Parse(v) : NULL;
  int flat = cJSON_IsObject(obj) && !cJSON_GetObjectItemCaseSensitive(obj, "_type");
  int ok = flat ? put_flat(b, key, obj, first) : put_pair(b, key, value, first);
  cJSON_Delete(obj);
  return ok;
}

/* A history record as one JSON line: its items, and _step from its step
 * when no item gives it. */
static int history_line(buf *b, const FslawWb__HistoryRecord *hr) {
  int ok = put(b, "{", 1), first = 1, has_step = 0;
  for (size_t i = 0; ok && i < hr->n_item; i++) {
    const FslawWb__HistoryItem *it = hr->item[i];
    if (!it->value_json[0]) continue;
    buf k = {0};
    ok = item_key(&k, it);
    has_step |= ok && !strcmp(k.p, "_step");
    ok = ok && put_item(b, k.p, it->value_json, &first);
    free(k.p);
  }
  if (ok && !has_step && hr->step) {
    char num[40];
    int n = snprintf(num, sizeof num, "%s\"_step\":%" PRId64, first ? "" : ",", hr->step->num);
    ok = put(b, num, (size_t)n);
  }
  return ok && put(b, "}\n", 2);
}

/* One record (a whole one, at byte `at`) into h. */
static fslaw_status take_record(const char *name, const unsigned char *p, size_t n, size_t at,
                                wdb_history *h, buf *out, size_t *cap, int *named_seen,
                                fslaw_error *err) {
  FslawWb__Record *r = fslaw_wb__record__unpack(NULL, n, p);
  if (!r) return fslaw_fail(err, FSLAW_EPARSE, "%s: byte %zu: the record does not decode as a "
                            "W&B record (a damaged file)", name, at);
  int ok = 1;
  if (r->record_type_case == FSLAW_WB__RECORD__RECORD_TYPE_HISTORY) {
    if (h->n == *cap) {
      size_t c = *cap ? 2 * *cap : 256;
      size_t *q = realloc(h->at, c * sizeof *q);
      if ((ok = q != NULL)) h->at = q, *cap = c;
    }
    if (ok) h->at[h->n++] = at;
    ok = ok && history_line(out, r->history);
  } else if (r->record_type_case == FSLAW_WB__RECORD__RECORD_TYPE_RUN) {
    /* a later run record (an update) may carry the id alone */
    const char *nm = r->run->display_name[0] ? r->run->display_name : r->run->run_id;
    int named = r->run->display_name[0] != 0;
    if (nm[0] && (named || !*named_seen)) {
      free(h->name);
      ok = (h->name = fslaw_strdup(nm)) != NULL;
      *named_seen |= named;
    }
  }
  fslaw_wb__record__free_unpacked(r, NULL);
  return ok ? FSLAW_OK : fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
}

/* Every chunk after the header, assembled into records (a FULL one, or
 * FIRST, MIDDLE..., LAST) and taken. */
fslaw_status fslaw_wdb_read(const char *name, const char *data, size_t len, wdb_history *h,
                      fslaw_error *err) {
  *h = (wdb_history){0};
  const unsigned char *p = (const unsigned char *)data;
  if (!fslaw_wdb_is_log(data, len)) return fslaw_fail(err, FSLAW_EPARSE, "%s: not a W&B log", name);
  if (p[6] != 0)
    return fslaw_fail(err, FSLAW_EPARSE, "%s: a W&B log of version %d, which fslaw does not read "
                      "(version 0 is W&B's)", name, p[6]);
  buf out = {0}, rec = {0};
  size_t cap = 0, pos = HEADER, start = 0;
  int open = 0;  /* a FIRST chunk is waiting for its LAST */
  int named = 0; /* a run record gave a display name */
  fslaw_status st = FSLAW_OK;
  while (!st && pos < len) {
    size_t left = BLOCK - pos % BLOCK;
    if (len - pos < HEADER && zeros(p + pos, len - pos)) { /* a trailer, or zeros to come */
      pos = len;
      break;
    }
    if (left < HEADER) { /* the block's trailer */
      if (!zeros(p + pos, left))
        st = fslaw_fail(err, FSLAW_EPARSE, "%s: byte %zu: the block's last %zu bytes are not "
                        "zeros (a damaged file)", name, pos, left);
      pos += left;
      continue;
    }
    if (len - pos < HEADER) break; /* cut short */
    size_t n = le(p + pos + 4, 2);
    int type = p[pos + 6];
    if (!type && !n && !le(p + pos, 4)) { /* zeros: the rest of the block is unused */
      if (open)
        st = fslaw_fail(err, FSLAW_EPARSE, "%s: byte %zu: the record begun at byte %zu breaks "
                        "off in a block of zeros (a damaged file)", name, pos, start);
      pos += left;
      continue;
    }
    if (n > left - HEADER || type < FULL || type > LAST)
      st = fslaw_fail(err, FSLAW_EPARSE, "%s: byte %zu: not a W&B log chunk (type %d, length "
                      "%zu)", name, pos, type, n);
    else if (len - pos - HEADER < n)
      break; /* cut short */
    else if ((uint32_t)crc32(crc32(0L, p + pos + 6, 1), p + pos + HEADER, (uInt)n) != le(p + pos, 4))
      st = fslaw_fail(err, FSLAW_EPARSE, "%s: byte %zu: the chunk's checksum does not hold (a "
                      "damaged file)", name, pos);
    else if ((type == FULL || type == FIRST) == open)
      st = fslaw_fail(err, FSLAW_EPARSE, "%s: byte %zu: a chunk out of order (type %d)", name,
                      pos, type);
    if (st) break;
    if (type == FULL || type == FIRST) start = pos, rec.n = 0;
    if (!put(&rec, (const char *)p + pos + HEADER, n))
      st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
    open = type == FIRST || type == MIDDLE;
    if (!st && !open)
      st = take_record(name, (const unsigned char *)rec.p, rec.n, start, h, &out, &cap, &named, err);
    pos += HEADER + n;
  }
  if (!st && (pos < len || open)) h->cut = (open ? start : pos) + 1;
  h->jsonl = out.p;
  h->len = out.n;
  free(rec.p);
  return st;
}
