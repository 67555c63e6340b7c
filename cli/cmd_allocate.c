/* cmd_allocate.c: `fslaw allocate --params P.json --compute C[,C...]`:
 * compute-optimal model size and data for C = 6 N D (MATH.md §6). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fslaw/table.h"
#include "table_cmds.h"

static int run(int argc, char **argv);

const cli_command cli_allocate = {
    "allocate", "compute-optimal N and D for compute budgets from a chinchilla fit",
    "usage: fslaw allocate --params P.json --compute C[,C...] [--out F.csv]\n\n"
    "For each compute budget C (FLOPs, C = 6 N D) print CSV C,N_opt,D_opt,tokens_per_param\n"
    "from the fitted chinchilla law (MATH.md 6): G = (alpha A / (beta B))^(1/(alpha+beta)),\n"
    "N_opt = G (C/6)^a, D_opt = (C/6)^b / G, a = beta/(alpha+beta), b = alpha/(alpha+beta).\n"
    "When the fit had a bootstrap (fslaw fit --bootstrap R), also the 95% percentile\n"
    "intervals over its resamples: N_lo,N_hi,D_lo,D_hi,tpp_lo,tpp_hi. An N_opt or D_opt\n"
    "beyond the range of N or D of the fitted rows gets a note on standard error.\n\n"
    "options:\n"
    "  --params F       parameters JSON written by fslaw fit --law chinchilla (required)\n"
    "  --compute LIST   compute budgets, comma-separated (e.g. 5.88e23,1e24) (required)\n"
    "  --out F          write the CSV to F\n",
    run, NULL};

/* Parse "C1,C2,..." into c[]; returns the count or 0 after an error. */
static size_t parse_list(const char *text, double *c, size_t cap) {
  size_t n = 0;
  const char *s = text;
  for (;;) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || (*end && *end != ',') || !(v > 0) || !isfinite(v)) {
      cli_error("allocate", "option '--compute': expected positive numbers separated by commas, got '%s'", text);
      return 0;
    }
    if (n == cap) {
      cli_error("allocate", "option '--compute': at most %zu budgets", cap);
      return 0;
    }
    c[n++] = v;
    if (!*end) return n;
    s = end + 1;
  }
}

/* 95 % intervals of N_opt, D_opt and D/N over the bootstrap samples. */
static int intervals(const fslaw_tlaw *law, const fslaw_tboot *b, double c, double out[6]) {
  size_t np = fslaw_tlaw_nparams(law), r = b->resamples;
  double *v = malloc(3 * r * sizeof *v), sd;
  if (!v) return cli_error("allocate", "out of memory");
  for (size_t k = 0; k < r; k++) {
    double n, d;
    if (isnan(b->samples[k * np]) || fslaw_tlaw_allocate(law, b->samples + k * np, c, &n, &d, NULL))
      n = d = NAN;
    v[3 * k] = n, v[3 * k + 1] = d, v[3 * k + 2] = d / n;
  }
  for (size_t q = 0; q < 3; q++) fslaw_tfit_interval(v + q, r, 3, 0.025, &sd, &out[2 * q], &out[2 * q + 1]);
  free(v);
  return 0;
}

static int write_csv(FILE *f, const fslaw_tlaw *law, const double *p, const fslaw_tboot *b,
                     const double *c, size_t nc) {
  fprintf(f, "C,N_opt,D_opt,tokens_per_param%s\n", b->resamples ? ",N_lo,N_hi,D_lo,D_hi,tpp_lo,tpp_hi" : "");
  for (size_t i = 0; i < nc; i++) {
    double n, d, iv[6];
    fslaw_error err;
    char x[32], y[32], z[32], w[32];
    if (fslaw_tlaw_allocate(law, p, c[i], &n, &d, &err)) return cli_error("allocate", "%s", err.msg);
    fprintf(f, "%s,%s,%s,%s", cli_num(x, c[i]), cli_num(y, n), cli_num(z, d), cli_num(w, d / n));
    if (b->resamples) {
      if (intervals(law, b, c[i], iv)) return 1;
      for (int k = 0; k < 6; k++) fprintf(f, ",%s", isfinite(iv[k]) ? cli_num(x, iv[k]) : "");
    }
    fputc('\n', f);
  }
  return 0;
}

static void budget_label(const void *c, size_t i, char b[64]) {
  char x[32];
  snprintf(b, 64, "C = %s", cli_num(x, ((const double *)c)[i]));
}

/* Notes when the optimal N or D of a budget lie beyond the fitted rows. */
static void note_range(const char *params, const fslaw_tlaw *law, const double *p,
                       const double *c, size_t nc) {
  cli_table_range r;
  double nd[2 * 256];
  cli_read_table_range(params, &r);
  for (size_t i = 0; i < nc; i++)
    if (fslaw_tlaw_allocate(law, p, c[i], &nd[2 * i], &nd[2 * i + 1], NULL)) return;
  cli_note_table_range("allocate", &r, law, 0, "N_opt", nd, 2, nc, "budget", budget_label, c);
  cli_note_table_range("allocate", &r, law, 1, "D_opt", nd + 1, 2, nc, "budget", budget_label, c);
}

static int run(int argc, char **argv) {
  const char *params = NULL, *compute = NULL, *out = NULL;
  const cli_opt opts[] = {{"params", OPT_STRING, &params, 0, 0, 0, 0},
                          {"compute", OPT_STRING, &compute, 0, 0, 0, 0},
                          {"out", OPT_STRING, &out, 0, 0, 0, 0},
                          {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos, nc;
  int rc = cli_parse(&cli_allocate, argc, argv, opts, pos, &npos);
  if (rc == 2) return 0;
  if (rc) return rc;
  if (!params) return cli_error("allocate", "option '--params' is required");
  if (!compute) return cli_error("allocate", "option '--compute' is required");
  if (npos) return cli_error("allocate", "unexpected argument '%s'", pos[0]);
  const cli_target target = {"out", out, "C,N_opt,D_opt,"};
  if (cli_check_outputs("allocate", &target, 1, &params, 1)) return 1;
  double c[256], p[16];
  if (!(nc = parse_list(compute, c, 256))) return 1;
  const fslaw_tlaw *law;
  fslaw_tboot b;
  fslaw_error err;
  if (fslaw_tparams_read(params, &law, p, &b, &err)) return cli_error("allocate", "%s", err.msg);
  for (size_t i = 0; i < nc && !rc; i++) { /* before any output: no header left behind */
    double n, d;
    if (fslaw_tlaw_allocate(law, p, c[i], &n, &d, &err)) rc = cli_error("allocate", "%s", err.msg);
  }
  cli_out o;
  if (!rc && !(rc = cli_out_open("allocate", &o, out, &params, 1))) {
    rc = write_csv(o.f, law, p, &b, c, nc);
    if (!rc) rc = cli_out_commit("allocate", &o);
    else cli_out_abort(&o);
  }
  if (!rc) note_range(params, law, p, c, nc);
  if (!rc) cli_table_fit_warnings("allocate", params);
  free(b.samples);
  return rc;
}
