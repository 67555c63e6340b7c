/* textlog.c: "name value" pairs of a printed training-log line (textlog.h). */
#include "textlog.h"

#include <string.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_word(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* Whether line[i..len) starts with the word w (ASCII, any case) ending there. */
static int word_at(const char *s, size_t i, size_t len, const char *w) {
  size_t n = strlen(w);
  if (len - i < n) return 0;
  for (size_t k = 0; k < n; k++)
    if (lower(s[i + k]) != w[k]) return 0;
  return i + n == len || !is_word(s[i + n]);
}

/* Whether s[j] starts a digit group: ',' then exactly three digits. */
static int group_at(const char *s, size_t j, size_t len) {
  return j + 3 < len && s[j] == ',' && is_digit(s[j + 1]) && is_digit(s[j + 2]) &&
         is_digit(s[j + 3]) && (j + 4 == len || !is_digit(s[j + 4]));
}

/* Length of the number starting at s[i] (0: none): [+-] then digits, with
 * comma groups after 1 to 3 leading digits (*grouped = 1), an optional
 * fraction and exponent; or nan, inf, infinity. */
static size_t number_at(const char *s, size_t i, size_t len, int *grouped) {
  size_t j = i;
  *grouped = 0;
  if (j < len && (s[j] == '+' || s[j] == '-')) j++;
  static const char *const words[] = {"infinity", "inf", "nan"};
  for (int w = 0; w < 3; w++)
    if (word_at(s, j, len, words[w])) return j - i + strlen(words[w]);
  size_t digits = 0;
  while (j < len && is_digit(s[j])) j++, digits++;
  while (digits >= 1 && digits <= 3 && group_at(s, j, len)) j += 4, *grouped = 1;
  if (j < len && s[j] == '.') {
    j++;
    while (j < len && is_digit(s[j])) j++, digits++;
  }
  if (!digits) return 0;
  if (j < len && (s[j] == 'e' || s[j] == 'E')) { /* an exponent only when digits follow */
    size_t e = j + 1;
    if (e < len && (s[e] == '+' || s[e] == '-')) e++;
    if (e < len && is_digit(s[e])) {
      while (e < len && is_digit(s[e])) e++;
      j = e;
    }
  }
  return j - i;
}

/* Length of a terminal escape sequence at s[i] (ESC [ parameters, a final
 * letter), 0 when none starts there. */
static size_t escape_at(const char *s, size_t i, size_t len) {
  if (s[i] != '\x1b') return 0;
  size_t j = i + 1;
  if (j < len && s[j] == '[') {
    j++;
    while (j < len && !(s[j] >= '@' && s[j] <= '~')) j++; /* parameters, then the final byte */
    if (j < len) j++;
  }
  return j - i;
}

/* ---- Timestamps and logging prefixes -------------------------------------
 * A date or clock time is no value (a step, rate or loss is never written as
 * one): it is one token, which ends a name as a separator does. And what a
 * logger prints before the message (Python logging, loguru, rich, absl/glog,
 * hydra: timestamps, a level word, the logger's name, a source location)
 * names nothing: a line's pairs start after it (fslaw_textlog_prefix). */

/* Whether c is one of the characters of set (never the NUL). */
static int in(const char *set, char c) { return c && strchr(set, c); }

/* Whether s[i..i+n) are n digits. */
static int digits_at(const char *s, size_t i, size_t len, size_t n) {
  if (len - i < n) return 0;
  for (size_t k = 0; k < n; k++)
    if (!is_digit(s[i + k])) return 0;
  return 1;
}

/* Length of a date at s[i] (0: none): 2024-01-01, 2024/01/01, or 01/01/24
 * and 01/01/2024 (month or day first, as rich's and strftime's %x print). */
static size_t date_at(const char *s, size_t i, size_t len) {
  if (digits_at(s, i, len, 4) && i + 10 <= len && (s[i + 4] == '-' || s[i + 4] == '/') &&
      s[i + 7] == s[i + 4] && digits_at(s, i + 5, len, 2) && digits_at(s, i + 8, len, 2))
    return 10;
  if (digits_at(s, i, len, 2) && i + 8 <= len && s[i + 2] == '/' && s[i + 5] == '/' &&
      digits_at(s, i + 3, len, 2) && digits_at(s, i + 6, len, 2))
    return digits_at(s, i + 8, len, 2) ? 10 : 8;
  return 0;
}

/* Length of a clock time at s[i] (0: none): 12:00:00 or 2:00:00, with a
 * fraction .123456 or Python logging's milliseconds ,123. */
static size_t time_at(const char *s, size_t i, size_t len) {
  size_t h = digits_at(s, i, len, 2) ? 2 : digits_at(s, i, len, 1) ? 1 : 0;
  size_t j = i + h;
  if (!h || len - j < 6 || s[j] != ':' || !digits_at(s, j + 1, len, 2) || s[j + 3] != ':' ||
      !digits_at(s, j + 4, len, 2))
    return 0;
  j += 6;
  if (j + 1 < len && s[j] == '.' && is_digit(s[j + 1]))
    for (j++; j < len && is_digit(s[j]);) j++;
  else if (j < len && s[j] == ',' && digits_at(s, j + 1, len, 3) && !digits_at(s, j + 4, len, 1))
    j += 4;
  return j - i;
}

/* Length of a timestamp at s[i] (0: none): a date, a clock time, or ISO
 * 8601's date 'T' time with a zone (Z, +00:00, +0000); a word, digit or a
 * number's '.' or ',' right after it makes it none. */
static size_t stamp_at(const char *s, size_t i, size_t len) {
  size_t n = date_at(s, i, len), t;
  if (n && i + n < len && s[i + n] == 'T' && (t = time_at(s, i + n + 1, len)) > 0) {
    n += 1 + t;
    if (i + n < len && s[i + n] == 'Z') n++;
    else if (i + n < len && (s[i + n] == '+' || s[i + n] == '-') && digits_at(s, i + n + 1, len, 2))
      n += i + n + 3 < len && s[i + n + 3] == ':' && digits_at(s, i + n + 4, len, 2) ? 6
           : digits_at(s, i + n + 3, len, 2)                                           ? 5
                                                                                       : 3;
  }
  if (!n) n = time_at(s, i, len);
  size_t e = i + n;
  if (!n || (e < len && (is_word(s[e]) || ((s[e] == '.' || s[e] == ',' || s[e] == ':' ||
                                            s[e] == '/' || s[e] == '-') &&
                                           e + 1 < len && is_digit(s[e + 1])))))
    return 0;
  return n;
}

/* Length of a log level word at s[i] (0: none): DEBUG, INFO, WARNING, WARN,
 * ERROR, CRITICAL, FATAL in any case, loguru's TRACE and SUCCESS in capitals;
 * with Python's default "INFO:logger:" its logger name. One that names a
 * number ("error 0.3", "info: 5") is a name, not a level. */
static size_t level_at(const char *s, size_t i, size_t len) {
  static const char *const any[] = {"debug", "info", "warning", "warn", "error", "critical", "fatal"};
  static const char *const caps[] = {"TRACE", "SUCCESS"};
  size_t n = 0;
  for (int w = 0; w < 7 && !n; w++)
    if (word_at(s, i, len, any[w])) n = strlen(any[w]);
  for (int w = 0; w < 2 && !n; w++) {
    size_t m = strlen(caps[w]);
    if (len - i >= m && !memcmp(s + i, caps[w], m) && (i + m == len || !is_word(s[i + m]))) n = m;
  }
  if (!n) return 0;
  size_t j = i + n, k = j + 1;
  int g;
  while (k < len && s[k] != ':' && !in(" \t[]|", s[k])) k++; /* "INFO:root:" */
  if (j < len && s[j] == ':' && k > j + 1 && k + 1 < len && s[k] == ':' && !is_digit(s[k + 1]) &&
      s[k + 1] != ' ')
    n = k + 1 - i;
  for (k = i + n; k < len && in(" \t:=", s[k]);) k++;
  return k < len && number_at(s, k, len, &g) && !stamp_at(s, k, len) ? 0 : n;
}

/* Length of absl's or glog's header at s[i] (0: none): the level letter and
 * date (I0101 or I20240101), the time and the thread id. */
static size_t glog_at(const char *s, size_t i, size_t len) {
  if (!in("IWEF", s[i]) || !digits_at(s, i + 1, len, 4)) return 0;
  size_t j = i + (digits_at(s, i + 1, len, 8) ? 9 : 5), t;
  if (j >= len || s[j] != ' ' || !(t = time_at(s, j + 1, len))) return 0;
  for (j += 1 + t; j < len && s[j] == ' ';) j++;
  if (j >= len || !is_digit(s[j])) return 0;
  while (j < len && is_digit(s[j])) j++;
  return j - i;
}

/* Whether s[a..b) ends in a source file's extension (".py", ".cc", ...). */
static int source_file(const char *s, size_t a, size_t b) {
  static const char *const ext[] = {".py", ".c", ".cc", ".cpp", ".cxx", ".h", ".hpp", ".cu",
                                    ".rs", ".go", ".jl", ".java", ".js", ".ts", ".lua"};
  for (size_t e = 0; e < sizeof ext / sizeof ext[0]; e++) {
    size_t n = strlen(ext[e]);
    if (b - a > n && !memcmp(s + b - n, ext[e], n)) return 1;
  }
  return 0;
}

/* Length of a source location at s[i] (0: none): file.py:42, logging.py:96:
 * log_dist (DeepSpeed), __main__:train:42 (loguru's module:function:line;
 * the function may be <module>). A name:number without a source file
 * ("step:100", "train.loss:3") is none. */
static size_t location_at(const char *s, size_t i, size_t len) {
  size_t nseg = 0, j = i, first = 0;
  int num = -1;
  while (nseg < 4) {
    size_t a = j;
    while (j < len && (is_word(s[j]) || in(".<>-", s[j]))) j++;
    if (j == a) return 0;
    if (digits_at(s, a, j, j - a) && num < 0) num = (int)nseg;
    if (!nseg++) first = j;
    if (j + 1 >= len || s[j] != ':' || !(is_word(s[j + 1]) || s[j + 1] == '<')) break;
    j++;
  }
  if (is_digit(s[i]) || (j < len && (is_word(s[j]) || s[j] == ':'))) return 0;
  int ok = (num == 1 && nseg <= 3 && source_file(s, i, first)) || (num == 2 && nseg == 3);
  return ok ? j - i : 0;
}

/* Length of a logger's name at s[i] (0: none): a word of letters, digits,
 * '_', '.' and '-' starting with a letter or '_' ("__main__", "root",
 * "lightning.pytorch"); before the prefix's first timestamp, level or
 * location (anchored == 0) only when ']', '|', ':' or " - " follows it
 * ("[titan] 2024-...", "__main__ - INFO - "), not a space: "Training loss
 * warning step 1" has no prefix. */
static size_t logger_at(const char *s, size_t i, size_t len, int anchored) {
  if (is_digit(s[i]) || !is_word(s[i])) return 0;
  size_t j = i;
  while (j < len && (is_word(s[j]) || s[j] == '.' || s[j] == '-')) j++;
  if (anchored || (j < len && in("]|:", s[j])) ||
      (j + 2 < len && s[j] == ' ' && s[j + 1] == '-' && s[j + 2] == ' '))
    return j - i;
  return 0;
}

/* Past the separators at s[i]: spaces, colour codes, [ ] | : , > and a '-'
 * before a space; with open == 0 no '[' (it may start the message:
 * "[step=1/10]"). */
static size_t past_seps(const char *s, size_t i, size_t len, int open) {
  for (size_t esc; i < len;) {
    if ((esc = escape_at(s, i, len)) > 0) i += esc;
    else if (in(" \t]|:,>", s[i]) || (open && s[i] == '[')) i++;
    else if (s[i] == '-' && (i + 1 == len || s[i + 1] == ' ' || s[i + 1] == '\t')) i++;
    else break;
  }
  return i;
}

size_t fslaw_textlog_prefix(const char *s, size_t len) {
  size_t end = 0;
  for (size_t i = past_seps(s, 0, len, 1), n; i < len; i = past_seps(s, i, len, 1)) {
    if ((n = glog_at(s, i, len)) || (n = stamp_at(s, i, len)) || (n = level_at(s, i, len)) ||
        (n = location_at(s, i, len)))
      end = past_seps(s, i += n, len, 0);
    else if ((n = logger_at(s, i, len, end > 0)) > 0)
      i += n;
    else
      break;
  }
  return end;
}

/* Whether s[k] is trimmed from a name's ends. */
static int trimmed(char c) { return strchr(" \t\r:='\"", c) != NULL; }

/* Whether s[a..b) ends in a terminal escape sequence; its start in *at. */
static int escape_ends(const char *s, size_t a, size_t b, size_t *at) {
  if (b - a < 3 || !(s[b - 1] >= '@' && s[b - 1] <= '~')) return 0;
  size_t k = b - 1;
  while (k > a && ((s[k - 1] >= '0' && s[k - 1] <= '?') || (s[k - 1] >= ' ' && s[k - 1] <= '/')))
    k--;
  if (k < a + 2 || s[k - 1] != '[' || s[k - 2] != '\x1b') return 0;
  *at = k - 2;
  return 1;
}

/* s[a..b) without the spaces, quotes, ':', '=' and colour codes at its
 * start (*a moves). */
static void trim_front(const char *s, size_t *a, size_t b) {
  for (size_t esc; *a < b && (trimmed(s[*a]) || (esc = escape_at(s, *a, b)) > 0);)
    *a += trimmed(s[*a]) ? 1 : esc;
}

/* Where the name in s[a..b) starts after a label: past the last ": " ("val:
 * loss", "INFO: step"); a when there is none. A colon then a space ends a
 * label, not a name: the words of a name are joined by spaces alone. */
static size_t past_label(const char *s, size_t a, size_t b) {
  for (size_t k = b; k > a + 1; k--)
    if (s[k - 2] == ':' && (s[k - 1] == ' ' || s[k - 1] == '\t')) return k;
  return a;
}

/* The name in s[a..b): after the last separator outside colour codes and
 * the last label, its ends trimmed of spaces, quotes, ':', '=' and colour
 * codes; when nothing follows an opening bracket, the name before it ("Step
 * [", "lr=["). */
static void name_of(const char *s, size_t a, size_t b, text_pair *p) {
  size_t from = a;
  for (size_t k = a; k < b;) {
    size_t esc = escape_at(s, k, b);
    if (esc) {
      k += esc;
      continue;
    }
    if (strchr("|,;()[]{}", s[k]) || (s[k] == '-' && k > a && k + 1 < b && s[k - 1] == ' ' &&
                                       s[k + 1] == ' '))
      a = k + 1;
    k++;
  }
  size_t cut = a; /* just after the last separator */
  trim_front(s, &a, b);
  for (size_t at; b > a && (trimmed(s[b - 1]) || escape_ends(s, a, b, &at));)
    b = trimmed(s[b - 1]) ? b - 1 : at;
  if (a == b && cut > from && strchr("[(", s[cut - 1])) {
    name_of(s, from, cut - 1, p);
    static const char *const wraps[] = {" tensor", " array"}; /* "loss tensor(3.21, ...)" */
    for (int w = 0; w < 2; w++) {
      size_t n = strlen(wraps[w]);
      if (p->keylen > n && !memcmp(p->key + p->keylen - n, wraps[w], n)) p->keylen -= n;
    }
    return;
  }
  a = past_label(s, a, b);
  trim_front(s, &a, b);
  p->key = s + a;
  p->keylen = b - a;
  p->col = a;
}

size_t fslaw_textlog_pairs(const char *line, size_t len, text_pair *out, size_t max) {
  size_t n = 0, from = fslaw_textlog_prefix(line, len); /* the current name starts at from */
  for (size_t i = from; i < len;) {
    size_t esc = escape_at(line, i, len); /* its digits are no number */
    if (esc) {
      i += esc;
      continue;
    }
    int glued = i > 0 && (is_word(line[i - 1]) || line[i - 1] == '.'), grouped;
    size_t stamp = glued ? 0 : stamp_at(line, i, len);
    if (stamp) { /* no value, and no part of the next one's name */
      i += stamp;
      from = i;
      continue;
    }
    size_t num = glued ? 0 : number_at(line, i, len, &grouped);
    if (!num) {
      i++;
      continue;
    }
    if (n < max) {
      text_pair *p = &out[n];
      name_of(line, from, i, p);
      if (!p->keylen) p->col = i;
      p->lead = line + from;
      p->leadlen = (p->keylen ? p->col : i) - from;
      p->num = line + i;
      p->numlen = num;
      p->grouped = grouped;
      char after = i + num < len ? line[i + num] : 0;
      p->suffix = is_word(after) && !is_digit(after) && after != '_' ? after : 0;
      p->suffixlen = 0;
      while (p->suffix && i + num + p->suffixlen < len && is_word(line[i + num + p->suffixlen]))
        p->suffixlen++;
    }
    n++;
    i += num;
    from = i;
  }
  return n;
}
