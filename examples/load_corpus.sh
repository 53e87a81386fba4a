#!/usr/bin/env bash
# Load ../shared/data/ja into the reference schema (examples/schema.sql must have run):
#   examples/load_corpus.sh DATA_DIR      (connection from the usual PG* environment variables)
set -euo pipefail
data=${1:?usage: $0 DATA_DIR}
here=$(dirname "$0")
# psql does not interpolate variables in \copy, so the paths are spelled out here.  The files have
# no quoting: CSV with a quote character that never occurs reads them verbatim.
psql -X -q -v ON_ERROR_STOP=1 \
	-c "\\copy learn.sentences (id, source, text) FROM '$data/ja_corpus.tsv' WITH (FORMAT csv, DELIMITER E'\\t', HEADER true, QUOTE E'\\x01')" \
	-c "CREATE TABLE learn.conllu_lines (n bigint GENERATED ALWAYS AS IDENTITY, line text)" \
	-c "\\copy learn.conllu_lines (line) FROM '$data/ja_gsd-ud-dev.conllu' WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')" \
	-f "$here/load_corpus.sql" \
	-c "DROP TABLE learn.conllu_lines"
