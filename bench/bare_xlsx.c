/* bare_xlsx: the floor for `crm export xlsx`: the rows of one query
 * written to a workbook by libxlsxwriter in constant_memory mode, a
 * bold header, numbers as numbers, UTC times as dates, text as text.
 * usage: bare_xlsx DB OUT.xlsx SQL */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>
#include <xlsxwriter.h>

/* "2026-12-01T10:00:00Z" -> *dt; -1 when s is not such a time */
static int parse_time(const char *s, lxw_datetime *dt)
{
	int y, mo, d, h, mi, sec, used = 0;

	if (strlen(s) != 20 || s[10] != 'T' ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 ||
	    used != 20)
		return -1;
	*dt = (lxw_datetime){ y, mo, d, h, mi, (double)sec };
	return 0;
}

int main(int argc, char **argv)
{
	lxw_workbook_options opt = { .constant_memory = 1, .tmpdir = NULL, .use_zip64 = 1 };
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *time;
	sqlite3 *db;
	sqlite3_stmt *st;
	lxw_row_t row = 0;
	lxw_datetime dt;
	int n;

	if (argc != 4 || sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, argv[3], -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "usage: bare_xlsx DB OUT.xlsx SQL\n");
		return 1;
	}
	wb = workbook_new_opt(argv[2], &opt);
	ws = workbook_add_worksheet(wb, "Clients");
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	time = workbook_add_format(wb);
	format_set_num_format(time, "yyyy-mm-dd hh:mm:ss");
	n = sqlite3_column_count(st);
	for (int i = 0; i < n; i++)
		worksheet_write_string(ws, row, (lxw_col_t)i, sqlite3_column_name(st, i), bold);
	worksheet_freeze_panes(ws, 1, 0);
	while (sqlite3_step(st) == SQLITE_ROW) {
		row++;
		for (int i = 0; i < n; i++) {
			const char *s;
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
			case SQLITE_FLOAT:
				worksheet_write_number(ws, row, (lxw_col_t)i,
				                       sqlite3_column_double(st, i), NULL);
				break;
			case SQLITE_TEXT:
				s = (const char *)sqlite3_column_text(st, i);
				if (!parse_time(s, &dt))
					worksheet_write_datetime(ws, row, (lxw_col_t)i, &dt, time);
				else
					worksheet_write_string(ws, row, (lxw_col_t)i, s, NULL);
				break;
			}
		}
	}
	worksheet_autofilter(ws, 0, 0, row, (lxw_col_t)(n - 1));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return workbook_close(wb) != LXW_NO_ERROR;
}
