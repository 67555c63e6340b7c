/* tfevents.h (private): scalars of TensorBoard event files (events.out.tfevents.*),
 * the log format of TensorBoard writers (PyTorch's SummaryWriter, the Hugging Face
 * Trainer, Lightning, Keras, tf.summary). runlog.c maps their tags to columns. */
#ifndef FSLAW_TFEVENTS_H
#define FSLAW_TFEVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "fslaw/common.h"

/* One scalar of an event, valid during the callback. */
typedef struct {
  const char *tag; /* the value's tag, e.g. "train/loss" */
  int64_t step;    /* the event's step */
  double value;    /* the value; a float32 value is read as the shortest decimal
                      that rounds to it (a logged 3e-4 reads 3e-4, not
                      2.9999999e-4) */
  size_t offset;   /* byte offset of the event's record in the file */
} tfe_scalar;

typedef fslaw_status (*tfe_scalar_fn)(void *ctx, const tfe_scalar *s, fslaw_error *err);

/* 1 when data starts with a record header whose checksum holds: an event
 * file (a text log does so with probability 2^-32). */
int fslaw_tfe_is_event_file(const char *data, size_t len);

/* Call fn for every numeric scalar (a simple_value, or a tensor of one
 * float, double, int32, int64, half or bfloat16 element) of every event of
 * the file, in file order; other summaries are skipped. A last record cut
 * short (a file still being written) ends the scan with *cut = its offset
 * + 1 (else 0). A checksum mismatch or an undecodable record is an error
 * naming its byte offset. */
fslaw_status fslaw_tfe_scan(const char *name, const char *data, size_t len, tfe_scalar_fn fn,
                      void *ctx, size_t *cut, fslaw_error *err);

#endif
