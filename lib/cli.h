/* cli — what every utility's main shares: main itself (parse, open,
 * run, close, exit), the common options (-d, -o, -h, -V), help and
 * version text, opening the database and the output the options chose,
 * and subcommands with their argument counts. A utility keeps only its
 * own options and its calls into lib/. */
#ifndef WB_CLI_H
#define WB_CLI_H
#include <getopt.h>

#include "db.h"
#include "out.h"

/* getopt_long entries for the options every utility takes. */
#define CLI_NO_HEADER 0x1000 /* --no-header: beyond every utility's own codes */
#define CLI_COMMON_LONGOPTS                                   \
	{"db", required_argument, NULL, 'd'},                 \
	{"output", required_argument, NULL, 'o'},             \
	{"no-header", no_argument, NULL, CLI_NO_HEADER},      \
	{"help", no_argument, NULL, 'h'},                     \
	{"version", no_argument, NULL, 'V'}
#define CLI_COMMON_SHORTOPTS "d:o:hV"
/* Their lines in a --help text. */
#define CLI_COMMON_USAGE                                                                \
	"  -d, --db PATH        database (env WB_DB; default ~/.local/share/wb/wb.db)\n" \
	"  -o, --output FMT     table, csv, tsv, json, jsonl (env WB_OUTPUT)\n"          \
	"      --no-header      csv, tsv and table without the header line\n"            \
	"  -h, --help           this help\n"                                            \
	"  -V, --version        version\n"

typedef struct {
	const char *db_path; /* -d, NULL: WB_DB or the default */
	const char *format;  /* -o, NULL: WB_OUTPUT or by terminal */
	const char *usage;   /* the --help text */
	int answer;          /* a status that is an answer, not a failure (wb-profile
	                      * open's 1 when closed): it goes without a message */
	int no_header;       /* --no-header */
	int reads;           /* the command only reads: a database that does not
	                      * exist is an error, never created (parse sets it) */
	char *tz;            /* the business zone, once the database is open */
} cli;

/* A utility: how it reads its command line and what it runs. */
typedef struct {
	const char *usage;
	/* Reads the command line into opts (the utility's own); exits 64 on
	 * a malformed one, before anything is opened. */
	void (*parse)(int argc, char **argv, cli *c, void *opts);
	/* The work, with the database open: 0 or an EX_ code. */
	int (*run)(wb_db *db, cli *c, void *opts);
	/* Frees what parse kept in opts; NULL when nothing. */
	void (*done)(void *opts);
	/* What must succeed before the database is opened (and perhaps
	 * created): files the command reads, the API's configuration. NULL
	 * when nothing. 0 or an EX_ code. */
	int (*prepare)(cli *c, void *opts);
} cli_tool;

/* The main of every utility: names the program, parses, prepares, opens
 * the database, runs, closes what it opened and returns the exit status,
 * having said on stderr why when it is a failure. */
int cli_main(const cli_tool *t, int argc, char **argv, void *opts);

/* Handles c when it is a common option (returns 1), else returns 0. -h
 * prints usage and exits 0; -V prints the version and exits 0; '?' (a
 * bad option, already reported by getopt) exits 64. */
int cli_common(cli *c, int opt, const char *arg);

/* Opens the database the options name (only an existing one when
 * c->reads), or exits with its error. */
wb_db *cli_db(cli *c);
/* An output for the columns, in the format the options name (exits 64 on
 * a bad -o or WB_OUTPUT), with their header setting, its times in the
 * business zone. */
out *cli_out(cli *c, const char *const *cols);
/* The duration the option opt was given (arg), in seconds, more than 0;
 * else exits 65 naming the option, as for any bad value. */
int64_t cli_duration(const char *opt, const char *arg);
/* 1 when the output is a table on a terminal: for people, who may be
 * shown marks (a search's match) that programs should not get. */
int cli_for_people(cli *c);
/* An output opened at its first row: a command that fails before it has
 * a row to show prints nothing, not even the header. */
typedef struct {
	cli *c;
	const char *const *cols;
	out *o;
	int quiet; /* no row, no output at all: not even a header (for a log
	            * that cron appends to) */
} cli_rows;
/* The output, opened on first use. */
out *cli_rows_out(cli_rows *r);
/* Ends the command with rc: on success the output (opened now when no
 * row came, for the header of an empty result, unless quiet) is closed,
 * and its code returned; on failure it is closed if it was opened, and
 * rc returned. */
int cli_rows_end(cli_rows *r, int rc);

/* Looks name up in a NULL-terminated list of subcommand names; returns
 * its index, or exits 64 naming the choices. */
int cli_subcommand(const char *name, const char *const *names);

/* A subcommand: its name and how many arguments it takes, from min to
 * max (-1: no limit); needs says what the first one is ("a phone
 * number") for the message when there are too few. */
typedef struct {
	const char *name;
	int min, max;
	const char *needs;
} cli_cmd;
/* The subcommand *argv names among cmds (ended by a NULL name), with its
 * arguments counted; moves *argc and *argv past its name, and returns
 * its index. Otherwise exits 64 ("show takes 1 argument"); parent names
 * the command it belongs to in messages ("quick add …"), or is NULL. */
int cli_command(const char *parent, const cli_cmd *cmds, int *argc, char ***argv);
/* Parses a whole choice from a list, or exits 64: "--by: 'fortnight' is
 * not one of day, week, …". */
int cli_choice(const char *opt, const char *arg, const char *const *names);

#endif
