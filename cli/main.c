/* main.c: the fslaw command: dispatch to subcommands, help and version. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* The registry of subcommands: one line each. */
static const cli_command *const commands[] = {
    &cli_schedule,
    &cli_inspect,
    &cli_simulate,
    &cli_theory,
    &cli_fit,
    &cli_predict,
    &cli_eval,
    &cli_cv,
    &cli_optimize,
    &cli_report,
    &cli_allocate,
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f) {
  fprintf(f,
          "usage: fslaw COMMAND [ARGS...]\n"
          "       fslaw help [COMMAND] | fslaw COMMAND --help | fslaw --version\n\n"
          "Functional scaling laws: learning-rate schedules, training logs, loss-curve laws.\n\n"
          "commands:\n");
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
}

static const cli_command *find(const char *name) {
  for (size_t i = 0; i < NCOMMANDS; i++)
    if (!strcmp(commands[i]->name, name)) return commands[i];
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const char *name = argv[1];
  if (!strcmp(name, "--version") || !strcmp(name, "version")) {
    printf("fslaw %s\n", fslaw_version());
    return 0;
  }
  if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
    if (argc > 2 && strcmp(name, "help") == 0) {
      const cli_command *c = find(argv[2]);
      if (!c) return cli_error("help", "unknown command '%s' (see fslaw help)", argv[2]);
      cli_print_help(c, stdout);
      return 0;
    }
    usage(stdout);
    return 0;
  }
  const cli_command *c = find(name);
  if (!c) {
    fprintf(stderr, "fslaw: error: unknown command '%s'\n\n", name);
    usage(stderr);
    return 2;
  }
  return cli_stdout_finish(c->name, c->run(argc - 1, argv + 1));
}
