/* wandb.h (private): the history of a W&B run from its transaction log, the
 * run-ID.wandb file every run writes in its folder (wandb/run-DATE-ID/),
 * online or offline. The log is LevelDB's log format (32 KiB blocks of
 * records, each with a CRC-32 of its type and data) behind a 7-byte header
 * (":W&B", 0xBEE1, version 0); a record is a serialized wandb_internal
 * Record. A history record is one wandb.log call: its items are keys and
 * JSON values, as a row of W&B's history export is, so runlog.c reads the
 * rows as JSONL. */
#ifndef FSLAW_WANDB_H
#define FSLAW_WANDB_H

#include <stddef.h>

#include "fslaw/common.h"

/* 1 when data (len bytes) starts with a W&B transaction log's header. */
int fslaw_wdb_is_log(const char *data, size_t len);

/* The history of a run. */
typedef struct {
  char *jsonl;    /* one JSON object per history record, '\n'-ended */
  size_t len;     /* its length */
  size_t *at;     /* byte offset in the file of each record (line i + 1) */
  size_t n;       /* number of records */
  char *name;     /* the run's display name, else its id; NULL when no run record */
  size_t cut;     /* offset + 1 of a last record cut short (a run still writing), or 0 */
} wdb_history;

/* Read the history of the log `name` (data, len bytes) into *h (free with
 * fslaw_wdb_history_free, also on error). Errors name the byte offset: a bad
 * checksum, a chunk out of order, a record that does not decode. */
fslaw_status fslaw_wdb_read(const char *name, const char *data, size_t len, wdb_history *h,
                      fslaw_error *err);

void fslaw_wdb_history_free(wdb_history *h);

#endif
