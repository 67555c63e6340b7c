/* textlog.h: the "name value" pairs of one line of a training script's
 * printed log (internal).
 *
 * Training scripts print progress lines, not tables: nanoGPT
 * "iter 100: loss 3.2451, time 45.12ms", Megatron-LM "iteration 100/ 500000 |
 * learning rate: 3.000000E-04 | lm loss: 6.543210E+00 |", torchtitan
 * "step:  1  loss: 12.2345" in terminal colours, fairseq "loss=9.876, lr=0.0005",
 * often behind a logger's prefix ("2024-01-01 12:00:00,123 - INFO - ").
 * No library reads these (they are not a format), so this scanner does the
 * one thing they share: every number is named by the words before it.
 * Written here because a regular expression per tool would miss the next
 * tool's layout, while this rule reads all of the above. */
#ifndef FSLAW_TEXTLOG_H
#define FSLAW_TEXTLOG_H

#include <stddef.h>

/* One number of a line and the name before it. */
typedef struct {
  const char *key; /* the name: the text since the previous number, date or
                      time, separator (| , ; ( ) [ ] { } or " - ") or label (words
                      ending in ": ", as in "val: loss 3.3"), without spaces,
                      quotes, ':' and '=' at its ends; may be empty */
  size_t keylen;   /* its length */
  const char *lead; /* the text between the previous number (or the line's
                       start) and the name: separators and labels that may
                       qualify it (" | val | ", " val: ", " [eval] ") */
  size_t leadlen;  /* its length */
  const char *num; /* the number as written: decimal or exponent notation,
                      with digit groups ("1,000": see grouped), or nan / inf
                      words (to be refused by the reader, not skipped) */
  size_t numlen;   /* its length */
  int grouped;     /* 1: written with comma digit groups ("1,228,800"): a
                      count, or a decimal comma ("3,210") */
  char suffix;     /* a letter right after the number ("1.2M", "45ms"), else 0 */
  size_t suffixlen; /* the length of the word it starts (1 for "1.2M", 2 for "45ms") */
  size_t col;      /* byte offset of the name (of the number when the name is
                      empty) in the line */
} text_pair;

/* The pairs of line[0..len) in order, at most max into out; returns how many
 * there are (may exceed max). Terminal colour codes (ESC [ ... letter) hold
 * no numbers, and a number glued to a word before it ("v2", "loss1") is
 * part of that word, not a value. A bracket right after a name keeps the
 * name: "Step [100/1000]" and "lr=[0.0001, 0.0001]" name their first number,
 * and so does "loss tensor(3.21, ...)" (a printed PyTorch or NumPy value).
 * A date or clock time (2024-01-01, 01/01/24, 12:00:00,123, ISO 8601's
 * 2024-01-01T12:00:00.123Z) is no number: a step, rate or loss is never
 * printed as one ("step: 12:00:00" names no step). What a logger prints
 * before the message names nothing and holds no value: a leading run of
 * timestamps, level words (DEBUG, INFO, WARNING, WARN, ERROR, CRITICAL,
 * FATAL, any case; "[INFO]"), logger names and source locations
 * ("train.py:42", loguru's "__main__:train:42") with the separators between
 * and after them, ending with one of the first, second or last kind: Python
 * logging's "INFO:root:", "2024-01-01 12:00:00,123 - __main__ - INFO - ",
 * hydra's "[...][__main__][INFO] - ", absl/glog's "I0101 12:00:00.123456 140
 * train.py:42] ", loguru's "... | INFO     | __main__:train:42 - ", rich's
 * "[01/01/24 12:00:00] INFO     ". A level word naming a number ("error
 * 0.3") is a name. */
size_t fslaw_textlog_pairs(const char *line, size_t len, text_pair *out, size_t max);

/* Where the message of line[0..len) starts: after its logging prefix (see
 * fslaw_textlog_pairs), a run of timestamps, level words, source locations, logger
 * names and separators that ends with one of the first three (and the
 * separators after it); 0 when the line has none. Its words are the
 * logger's, not the message's ("I0101 ... test.py:42] " holds no
 * evaluation). */
size_t fslaw_textlog_prefix(const char *line, size_t len);

#endif
