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

size_t textlog_pairs(const char *line, size_t len, text_pair *out, size_t max) {
  size_t n = 0, from = 0; /* the current name starts at from */
  for (size_t i = 0; i < len;) {
    size_t esc = escape_at(line, i, len); /* its digits are no number */
    if (esc) {
      i += esc;
      continue;
    }
    int glued = i > 0 && (is_word(line[i - 1]) || line[i - 1] == '.'), grouped;
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
