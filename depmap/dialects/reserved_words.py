"""Reserved words per database family, as data: names that cannot be a bare column name.

Sources (read for this list, lower-cased here):

- PostgreSQL, Appendix C "SQL Key Words", the words marked *reserved* and *reserved (can be
  function or type)*: https://www.postgresql.org/docs/current/sql-keywords-appendix.html
  (checked against `pg_get_keywords()` catcodes R and T of a PostgreSQL 15 server; `system_user`
  became reserved in 16).
- MySQL 8.0 Reference Manual, 11.3 "Keywords and Reserved Words", the words marked (R):
  https://dev.mysql.com/doc/refman/8.0/en/keywords.html. The words reserved only from 8.0
  (window functions, `row`, `rows`, `system`, ...) are listed apart so MySQL 5.7 is not told
  that `rank` is reserved.
- SQLite, "SQLite Keywords": https://www.sqlite.org/lang_keywords.html. SQLite lets most of its
  147 keywords stand as identifiers (its parser falls back to a name); the ones below are those
  that fail unquoted as a column name in `ALTER TABLE ... ADD COLUMN`, `SELECT`, `INSERT`,
  `UPDATE` or `CREATE INDEX` (measured with SQLite 3.40).
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.lower().split())


POSTGRES_RESERVED = _words(
    """
    all analyse analyze and any array as asc asymmetric both case cast check collate column
    constraint create current_catalog current_date current_role current_time current_timestamp
    current_user default deferrable desc distinct do else end except false fetch for foreign from
    grant group having in initially intersect into lateral leading limit localtime localtimestamp
    not null offset on only or order placing primary references returning select session_user
    some symmetric table then to trailing true union unique user using variadic when where window
    with
    """
)
# "reserved (can be function or type)": still not allowed as a bare column name.
POSTGRES_TYPE_FUNC = _words(
    """
    authorization binary collation concurrently cross current_schema freeze full ilike inner is
    isnull join left like natural notnull outer overlaps right similar tablesample verbose
    """
)
POSTGRES_RESERVED_SINCE = {"system_user": (16,)}

MYSQL_RESERVED = _words(
    """
    accessible add all alter analyze and as asc asensitive before between bigint binary blob both
    by call cascade case change char character check collate column condition constraint continue
    convert create cross current_date current_time current_timestamp current_user cursor database
    databases day_hour day_microsecond day_minute day_second dec decimal declare default delayed
    delete desc describe deterministic distinct distinctrow div double drop dual each else elseif
    enclosed escaped exists exit explain false fetch float float4 float8 for force foreign from
    fulltext generated get grant group having high_priority hour_microsecond hour_minute
    hour_second if ignore in index infile inner inout insensitive insert int int1 int2 int3 int4
    int8 integer interval into io_after_gtids io_before_gtids is iterate join key keys kill leading
    leave left like limit linear lines load localtime localtimestamp lock long longblob longtext
    loop low_priority master_bind master_ssl_verify_server_cert match maxvalue mediumblob
    mediumint mediumtext middleint minute_microsecond minute_second mod modifies natural not
    no_write_to_binlog null numeric on optimize optimizer_costs option optionally or order out
    outer outfile partition precision primary procedure purge range read reads read_write real
    references regexp release rename repeat replace require resignal restrict return revoke right
    rlike schema schemas second_microsecond select sensitive separator set show signal smallint
    spatial specific sql sqlexception sqlstate sqlwarning sql_big_result sql_calc_found_rows
    sql_small_result ssl starting stored straight_join table terminated then tinyblob tinyint
    tinytext to trailing trigger true undo union unique unlock unsigned update usage use using
    utc_date utc_time utc_timestamp values varbinary varchar varcharacter varying virtual when
    where while with write xor year_month zerofill _filename
    """
)
# Reserved from a given MySQL 8.0 release on (version tuple): 5.7 accepts them bare.
MYSQL_RESERVED_SINCE = {
    **{word: (8, 0, 1) for word in ("cube", "function", "grouping", "of", "recursive")},
    **{
        word: (8, 0, 2)
        for word in (
            "cume_dist dense_rank first_value groups lag last_value lead nth_value ntile over "
            "percent_rank rank row rows row_number window"
        ).split()
    },
    "system": (8, 0, 3),
    "empty": (8, 0, 4),
    "json_table": (8, 0, 4),
    "lateral": (8, 0, 14),
    "intersect": (8, 0, 31),
    "except": (8, 0, 0),
}

SQLITE_RESERVED = _words(
    """
    add all alter and as autoincrement between case cast check collate commit constraint create
    current_date current_time current_timestamp default deferrable delete distinct drop else
    escape except exists foreign from group having in index insert intersect into is isnull join
    limit not nothing notnull null on or order primary raise references returning select set table
    then to transaction union unique update using values when where
    """
)
