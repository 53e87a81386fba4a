#!/usr/bin/env bash
# Benchmark of the Japanese text search parser (issue 5, parser half):
#  - word segmentation F1 against the gold UD Japanese-GSD dev set (and KyTea-tokenised Tanaka
#    sentences, a silver standard): ICU's word break iterator alone vs shinjp's segmenter;
#  - tokenizer throughput (MB/s of UTF-8) of ICU's raw word breaking vs shinjp's segmenter, in C++;
#  - to_tsvector throughput in PostgreSQL over ../shared/data/ja/ja_corpus.tsv: the built-in
#    'simple' configuration vs shinjp.japanese;
#  - word recall: for every gold word of every GSD sentence, does
#    to_tsvector(cfg, sentence) @@ phraseto_tsquery(cfg, word) hold?  'simple' vs shinjp.japanese;
#  - katakana gold words typed in hiragana: phraseto_tsquery vs shinjp.ja_tsquery.
# Rounds are interleaved and medians reported.  Prints the table and writes build/bench/jatext_parser.md.
#
#   bash test/bench/jatext_parser.sh                 # full size (ROUNDS=5, whole corpus)
#   ROUNDS=1 CORPUS_ROWS=20000 bash test/bench/jatext_parser.sh   # quicker, while developing
# Environment: PGVERSION (15), SHINJP_DEMO_PORT (cluster port, default 24500).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
data=$root/../shared/data/ja
rounds=${ROUNDS:-5}
corpus_rows=${CORPUS_ROWS:-0}
export PGVERSION=${PGVERSION:-15}
export PG_CONFIG=/usr/lib/postgresql/$PGVERSION/bin/pg_config
out=$root/build/bench
work=$out/jatext_parser
mkdir -p "$out" "$work"
chmod a+rwx "$work"

# 1. The C++ evaluation tool, built against the core sources with optimisation.
icu_libs=$(pkg-config --libs icu-uc icu-i18n)
g++ -std=c++17 -O2 -DNDEBUG -Isrc test/bench/jatext_segeval.cpp src/jatext/segment.cpp src/core.cpp \
	-o "$work/segeval" $icu_libs

read -r _ gsd_icu_p gsd_icu_r gsd_icu_f < <("$work/segeval" f1 "$data/ja_gsd-ud-dev.conllu" | grep '^icu')
read -r _ gsd_p gsd_r gsd_f < <("$work/segeval" f1 "$data/ja_gsd-ud-dev.conllu" | grep '^shinjp')
tanaka=$("$work/segeval" f1-spaced "$data/tanaka_kytea_tok.ja.txt")
tan_icu_f=$(echo "$tanaka" | awk '/^icu/ {print $4}')
tan_f=$(echo "$tanaka" | awk '/^shinjp/ {print $4}')
speed=$("$work/segeval" speed "$data/ja_corpus.tsv" "$rounds")
icu_mbs=$(echo "$speed" | awk '/^icu_mbs/ {print $2}')
seg_mbs=$(echo "$speed" | awk '/^shinjp_mbs/ {print $2}')
"$work/segeval" dump "$data/ja_gsd-ud-dev.conllu" "$work"

# 2. In the database: install privately, start a throwaway cluster.
dest=$root/build/bench_install
make -s -j2 PG_CONFIG="$PG_CONFIG" all >/dev/null
rm -rf "$dest"
make -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$dest" >/dev/null
chmod -R a+rX "$root/build"
port=$(SHINJP_DEMO_PORT=${SHINJP_DEMO_PORT:-24500} bash demo/cluster.sh start "$work/cluster" "$dest")
trap 'bash demo/cluster.sh stop "$work/cluster" >/dev/null 2>&1 || true' EXIT
export PGHOST=$work/cluster PGPORT=$port PGUSER=postgres PGDATABASE=bench
createdb -T template0 -E UTF8 bench
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
q -c "CREATE EXTENSION shinjp"
q <<SQL
CREATE TABLE corpus (id int, source text, body text);
\copy corpus FROM program 'tail -n +2 $data/ja_corpus.tsv' WITH (FORMAT text)
CREATE TABLE gsd_sent (id int PRIMARY KEY, body text);
CREATE TABLE gsd_word (id int, word text);
\copy gsd_sent FROM '$work/sentences.tsv'
\copy gsd_word FROM '$work/words.tsv'
SQL
if [ "$corpus_rows" -gt 0 ]; then q -c "DELETE FROM corpus WHERE id > $corpus_rows"; fi
q -c "VACUUM ANALYZE corpus"
bytes=$(q -c "SELECT sum(octet_length(body)) FROM corpus")

# Interleaved rounds of to_tsvector over the corpus; prints elapsed ms per configuration.
time_cfg() {
	q <<SQL | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
\timing on
SELECT count(*) FROM corpus WHERE length(to_tsvector('$1', body)) >= 0;
SQL
}
simple_ms=()
ja_ms=()
for ((i = 0; i < rounds; i++)); do
	simple_ms+=("$(time_cfg pg_catalog.simple)")
	ja_ms+=("$(time_cfg shinjp.japanese)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
simple_mbs=$(awk -v b="$bytes" -v ms="$(median "${simple_ms[@]}")" 'BEGIN {printf "%.2f", b / 1e6 / (ms / 1000)}')
ja_mbs=$(awk -v b="$bytes" -v ms="$(median "${ja_ms[@]}")" 'BEGIN {printf "%.2f", b / 1e6 / (ms / 1000)}')

# Word recall of gold words (punctuation excluded: it is not indexed by either configuration).
recall() {
	q -c "SELECT round(avg((to_tsvector('$1', s.body) @@ phraseto_tsquery('$1', w.word))::int), 4)
	        FROM gsd_word w JOIN gsd_sent s USING (id)
	       WHERE w.word ~ '[[:alnum:]]' AND phraseto_tsquery('$1', w.word) <> ''::tsquery" 2>/dev/null
}
# Katakana gold words typed in hiragana (a learner's usual slip): plain phraseto_tsquery vs ja_tsquery.
kana_recall() {
	q -c "SELECT round(avg((to_tsvector('shinjp.japanese', s.body) @@ $1)::int), 4)
	        FROM (SELECT id, shinjp.ja_normalize(word) AS hira FROM gsd_word WHERE word ~ '^[ァ-ヶー]{2,}$') w
	        JOIN gsd_sent s USING (id)" 2>/dev/null
}
kana_plain=$(kana_recall "phraseto_tsquery('shinjp.japanese', w.hira)")
kana_ja=$(kana_recall "shinjp.ja_tsquery(w.hira)")
kana_n=$(q -c "SELECT count(*) FROM gsd_word WHERE word ~ '^[ァ-ヶー]{2,}$'")
simple_recall=$(recall pg_catalog.simple)
ja_recall=$(recall shinjp.japanese)

# 3. The table.
row() { # metric baseline shinjp goal met
	local ratio
	ratio=$(awk -v a="$2" -v b="$3" 'BEGIN {if (a > 0) printf "%.2f", b / a; else print "inf"}')
	printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$ratio" "$4" "$5"
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN {print (a >= b) ? "yes" : "no"}'; }
{
	echo "| metric | baseline | shinjp | ratio | goal | met? |"
	echo "| --- | --- | --- | --- | --- | --- |"
	row "word F1, UD Japanese-GSD dev (baseline: ICU alone)" "$gsd_icu_f" "$gsd_f" "> ICU alone (≈0.81)" "$(ge "$gsd_f" "$gsd_icu_f")"
	row "word precision, GSD dev (baseline: ICU alone)" "$gsd_icu_p" "$gsd_p" "reported" "-"
	row "word recall, GSD dev (baseline: ICU alone)" "$gsd_icu_r" "$gsd_r" "reported" "-"
	row "word F1, Tanaka 51k (KyTea silver; baseline: ICU alone)" "$tan_icu_f" "$tan_f" "> ICU alone" "$(ge "$tan_f" "$tan_icu_f")"
	row "tokenizer MB/s, C++ (baseline: ICU raw word breaking)" "$icu_mbs" "$seg_mbs" "reported; ≥ 0.5× ICU" "$(ge "$(awk -v a="$icu_mbs" -v b="$seg_mbs" 'BEGIN {print b / a}')" 0.5)"
	row "to_tsvector MB/s over ja_corpus (baseline: 'simple')" "$simple_mbs" "$ja_mbs" "reported" "-"
	row "gold-word recall via @@ phraseto_tsquery (baseline: 'simple')" "$simple_recall" "$ja_recall" "≥ 0.90 (word level)" "$(ge "$ja_recall" 0.90)"
	row "katakana gold words typed in hiragana ($kana_n), recall (baseline: phraseto_tsquery)" "$kana_plain" "$kana_ja" "≥ 0.90 with ja_tsquery" "$(ge "$kana_ja" 0.90)"
} | tee "$out/jatext_parser.md"
echo
echo "corpus: $bytes bytes, rounds: $rounds (medians), ICU $(pkg-config --modversion icu-uc), PostgreSQL $PGVERSION"
