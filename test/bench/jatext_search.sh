#!/usr/bin/env bash
# Japanese substring search benchmark (issue 5, search half).
#
#   bash test/bench/jatext_search.sh
#
# Builds and installs shinjp into build/bench_install, starts a private cluster (demo/cluster.sh),
# loads ../shared/data/ja/ja_corpus.tsv (read in place, never copied) and compares, in one run with
# interleaved rounds:
#   shinjp   GIN (body shinjp.ja_substring_ops), body &@ q (exact) and body &@~ q (variants)
#   pg_bigm  GIN (body gin_bigm_ops), body LIKE likequery(q)          ("not installed" when absent)
#   pg_trgm  GIN (body gin_trgm_ops), body LIKE '%q%'
#   builtin  GIN (to_tsvector('simple', body)), @@ plainto_tsquery('simple', q)
# Queries: QUERIES_PER_CLASS real substrings of 1-6 characters per class (hiragana, katakana, kanji,
# mixed), sampled deterministically (md5 order) from the corpus, plus variants of the kana ones
# (half-width, other kana, romaji, missing ー).  Truth = sequential scan over ja_normalize(body).
# pg_bigm is never built here: install it by hand (e.g. into /tmp/pg_bigm_install with
# make install DESTDIR=...) and point PG_BIGM_DESTDIR at that directory.
#
# Latency goals apply to the real queries (&@ vs LIKE); on variants pg_bigm answers a different,
# mostly empty set, so variant latency is shown for information.  Normalisation makes shinjp
# answer more rows for many kana queries (ン also finds ん); the "same answer" rows compare
# latency only over the queries where pg_bigm's answer is already complete (equal work), and the
# pg_bigm_kana rows (latency only) time pg_bigm asked for the query in both kana scripts
# (LIKE q OR LIKE hiragana(q) OR LIKE katakana(q); identical arms fold into one), which returns
# about the rows shinjp returns: the cost of the same answer over all the real queries.
#
# Environment: SCALE (fraction of corpus rows, default 1), QUERIES_PER_CLASS (default 75),
# ROUNDS (default 3), SHINJP_DEMO_PORT (cluster port), PG_BIGM_DESTDIR (default /tmp/pg_bigm_install).
# Prints the table and writes it to build/bench/jatext_search.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
SCALE=${SCALE:-1}
QPC=${QUERIES_PER_CLASS:-75}
ROUNDS=${ROUNDS:-3}
corpus=$root/../shared/data/ja/ja_corpus.tsv
bigm_dest=${PG_BIGM_DESTDIR:-/tmp/pg_bigm_install}
export PGVERSION=${PGVERSION:-15}
export PG_CONFIG=/usr/lib/postgresql/$PGVERSION/bin/pg_config
dest=$root/build/bench_install
cluster=$root/build/bench_cluster_search
mkdir -p build/bench

echo "== build and install shinjp" >&2
make -s -j2 PG_CONFIG="$PG_CONFIG" all >/dev/null
rm -rf "$dest"
make -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$dest" >/dev/null
have_bigm=0
if [ -f "$bigm_dest/usr/share/postgresql/$PGVERSION/extension/pg_bigm.control" ]; then
	cp -r "$bigm_dest/usr" "$dest/"
	have_bigm=1
elif [ -f "/usr/share/postgresql/$PGVERSION/extension/pg_bigm.control" ]; then
	have_bigm=1
fi
chmod -R a+rX "$root/build"

port=$(bash demo/cluster.sh start "$cluster" "$dest")
[ -n "${KEEP_CLUSTER:-}" ] || trap 'bash demo/cluster.sh stop "$cluster"' EXIT
export PGHOST=$cluster PGPORT=$port PGUSER=postgres PGDATABASE=bench
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
# Room for every table and index in shared buffers, so that latency measures the indexes, not I/O.
q -d postgres -c "ALTER SYSTEM SET shared_buffers = '${SHARED_BUFFERS:-512MB}'"
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); else as_pg=(); fi
"${as_pg[@]}" /usr/lib/postgresql/$PGVERSION/bin/pg_ctl -D "$cluster/data" -l "$cluster/server.log" -w restart >/dev/null
createdb -T template0 -E UTF8 bench

echo "== load corpus (SCALE=$SCALE)" >&2
q <<SQL
CREATE EXTENSION shinjp;
CREATE EXTENSION pg_trgm;
$( [ $have_bigm = 1 ] && echo "CREATE EXTENSION pg_bigm;" )
SET search_path = public, shinjp;
CREATE TABLE raw (id int, source text, body text);
\copy raw FROM '$corpus' WITH (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE E'\x01')
CREATE TABLE corpus AS SELECT id, body FROM raw WHERE $SCALE >= 1 OR md5(id::text) < lpad(to_hex((${SCALE} * 4294967295)::bigint), 8, '0');
DROP TABLE raw;
-- one table per method, so that each index is the only one its query can use
CREATE TABLE t_shinjp AS SELECT * FROM corpus;
CREATE TABLE t_bigm AS SELECT * FROM corpus;
-- pg_bigm_kana gets its own copy too: sharing t_bigm would run pg_bigm's query (as one arm of its
-- OR) on the same heap and index pages just before pg_bigm in the rotation, so pg_bigm would be
-- timed with those pages hot in the CPU caches while every other method starts cold
$( [ $have_bigm = 1 ] && echo "CREATE TABLE t_bigm_kana AS SELECT * FROM corpus;" )
CREATE TABLE t_trgm AS SELECT * FROM corpus;
CREATE TABLE t_builtin AS SELECT * FROM corpus;
CREATE TABLE normed AS SELECT id, ja_normalize(body) AS norm FROM corpus;
VACUUM ANALYZE;
SQL

echo "== build indexes (interleaved, 1 round each)" >&2
q >/dev/null <<SQL
SET maintenance_work_mem = '256MB';
SET search_path = public, shinjp;
CREATE TABLE build (method text, seconds float8, bytes bigint);
CREATE FUNCTION timed_build(method text, ddl text, idx text) RETURNS void LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz;
BEGIN
	t0 := clock_timestamp();
	EXECUTE ddl;
	INSERT INTO build VALUES (method, extract(epoch FROM clock_timestamp() - t0), pg_relation_size(idx::regclass));
END \$\$;
SELECT timed_build('shinjp', 'CREATE INDEX i_shinjp ON t_shinjp USING gin (body shinjp.ja_substring_ops)', 'i_shinjp');
$( [ $have_bigm = 1 ] && echo "SELECT timed_build('pg_bigm', 'CREATE INDEX i_bigm ON t_bigm USING gin (body gin_bigm_ops)', 'i_bigm');" )
$( [ $have_bigm = 1 ] && echo "CREATE INDEX i_bigm_kana ON t_bigm_kana USING gin (body gin_bigm_ops);" )
SELECT timed_build('pg_trgm', 'CREATE INDEX i_trgm ON t_trgm USING gin (body gin_trgm_ops)', 'i_trgm');
SELECT timed_build('builtin', \$x\$CREATE INDEX i_builtin ON t_builtin USING gin (to_tsvector('simple', body))\$x\$, 'i_builtin');
VACUUM ANALYZE;
SQL

echo "== sample queries and variants" >&2
q >/dev/null <<SQL
SET search_path = public, shinjp;
-- candidate substrings: from md5-ordered rows, one per row, length 1..6 cycling, classified by script
CREATE TABLE cand AS
SELECT row_number() OVER (ORDER BY md5(id::text)) AS rn, s AS q,
	CASE WHEN s ~ '^[ぁ-ゖー]+$' THEN 'hiragana' WHEN s ~ '^[ァ-ヺー]+$' THEN 'katakana'
	     WHEN s ~ '^[一-龯々]+$' THEN 'kanji'
	     WHEN s ~ '^[ぁ-ゖァ-ヺー一-龯々]+$' THEN 'mixed' END AS class
FROM (SELECT id, substr(body, 1 + (abs(hashtext(id::text)) % greatest(length(body) - len + 1, 1)), len) AS s
      FROM (SELECT id, body, 1 + (abs(hashtext('len' || id)) % 6) AS len FROM corpus) x) y;
CREATE TABLE queries AS
SELECT row_number() OVER (ORDER BY class, rn) AS qid, class, q FROM (
	SELECT class, q, min(rn) AS rn, row_number() OVER (PARTITION BY class ORDER BY min(rn)) AS k
	FROM cand WHERE class IS NOT NULL GROUP BY class, q) z
WHERE k <= $QPC;
-- extra katakana words with an inner ー for the missing-ー variants
INSERT INTO queries
SELECT (SELECT max(qid) FROM queries) + row_number() OVER (ORDER BY min(rn)), 'katakana-long', w FROM (
	SELECT (regexp_match(body, '[ァ-ヺ]+ー[ァ-ヺ]+'))[1] AS w, min(md5(id::text)) AS rn FROM corpus GROUP BY 1) z
WHERE w IS NOT NULL AND length(w) <= 6 GROUP BY w ORDER BY min(rn) LIMIT $((QPC / 3 + 1));

CREATE FUNCTION kata(s text) RETURNS text LANGUAGE sql IMMUTABLE AS \$\$
	SELECT translate(s, (SELECT string_agg(chr(c), '' ORDER BY c) FROM generate_series(12353, 12438) c),
	                    (SELECT string_agg(chr(c + 96), '' ORDER BY c) FROM generate_series(12353, 12438) c)) \$\$;
CREATE FUNCTION hira(s text) RETURNS text LANGUAGE sql IMMUTABLE AS \$\$
	SELECT translate(s, (SELECT string_agg(chr(c + 96), '' ORDER BY c) FROM generate_series(12353, 12438) c),
	                    (SELECT string_agg(chr(c), '' ORDER BY c) FROM generate_series(12353, 12438) c)) \$\$;
CREATE FUNCTION halfwidth(s text) RETURNS text LANGUAGE sql IMMUTABLE AS \$\$
	SELECT translate(normalize(kata(s), NFD),
		'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォッャュョー' || chr(12441) || chr(12442),
		'ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｯｬｭｮｰﾞﾟ') \$\$;
-- kana → wāpuro romaji that an IME reads back exactly (ん as n', っ doubles, small kana with x)
CREATE TABLE romaji_map (k text PRIMARY KEY, r text);
INSERT INTO romaji_map VALUES
('あ','a'),('い','i'),('う','u'),('え','e'),('お','o'),('か','ka'),('き','ki'),('く','ku'),('け','ke'),('こ','ko'),
('さ','sa'),('し','shi'),('す','su'),('せ','se'),('そ','so'),('た','ta'),('ち','chi'),('つ','tsu'),('て','te'),('と','to'),
('な','na'),('に','ni'),('ぬ','nu'),('ね','ne'),('の','no'),('は','ha'),('ひ','hi'),('ふ','fu'),('へ','he'),('ほ','ho'),
('ま','ma'),('み','mi'),('む','mu'),('め','me'),('も','mo'),('や','ya'),('ゆ','yu'),('よ','yo'),
('ら','ra'),('り','ri'),('る','ru'),('れ','re'),('ろ','ro'),('わ','wa'),('を','wo'),('ん','n'''),
('が','ga'),('ぎ','gi'),('ぐ','gu'),('げ','ge'),('ご','go'),('ざ','za'),('じ','ji'),('ず','zu'),('ぜ','ze'),('ぞ','zo'),
('だ','da'),('ぢ','di'),('づ','du'),('で','de'),('ど','do'),('ば','ba'),('び','bi'),('ぶ','bu'),('べ','be'),('ぼ','bo'),
('ぱ','pa'),('ぴ','pi'),('ぷ','pu'),('ぺ','pe'),('ぽ','po'),('ゔ','vu'),
('ぁ','xa'),('ぃ','xi'),('ぅ','xu'),('ぇ','xe'),('ぉ','xo'),('ゃ','xya'),('ゅ','xyu'),('ょ','xyo'),('っ','xtu'),
('ゎ','xwa'),('ゕ','xka'),('ゖ','xke'),('ー','-'),
('きゃ','kya'),('きゅ','kyu'),('きょ','kyo'),('しゃ','sha'),('しゅ','shu'),('しょ','sho'),('ちゃ','cha'),('ちゅ','chu'),('ちょ','cho'),
('にゃ','nya'),('にゅ','nyu'),('にょ','nyo'),('ひゃ','hya'),('ひゅ','hyu'),('ひょ','hyo'),('みゃ','mya'),('みゅ','myu'),('みょ','myo'),
('りゃ','rya'),('りゅ','ryu'),('りょ','ryo'),('ぎゃ','gya'),('ぎゅ','gyu'),('ぎょ','gyo'),('じゃ','ja'),('じゅ','ju'),('じょ','jo'),
('びゃ','bya'),('びゅ','byu'),('びょ','byo'),('ぴゃ','pya'),('ぴゅ','pyu'),('ぴょ','pyo'),('ぢゃ','dya'),('ぢゅ','dyu'),('ぢょ','dyo');
CREATE FUNCTION to_romaji(s text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS \$\$
DECLARE h text := hira(s); out text := ''; i int := 1; r text; pending bool := false;
BEGIN
	WHILE i <= length(h) LOOP
		r := (SELECT m.r FROM romaji_map m WHERE m.k = substr(h, i, 2));
		IF r IS NOT NULL THEN i := i + 2; ELSE r := (SELECT m.r FROM romaji_map m WHERE m.k = substr(h, i, 1)); i := i + 1; END IF;
		IF r IS NULL THEN RETURN NULL; END IF;
		IF pending THEN
			pending := false;
			IF r ~ '^[bcdfghjkmprstvwz]' THEN r := CASE WHEN r LIKE 'ch%' THEN 't' ELSE left(r, 1) END || r;
			ELSE out := out || 'xtu'; END IF;
		END IF;
		IF r = 'xtu' AND i <= length(h) THEN pending := true; CONTINUE; END IF;
		out := out || r;
	END LOOP;
	IF pending THEN out := out || 'xtu'; END IF;
	RETURN out;
END \$\$;
CREATE TABLE variants AS
SELECT qid, 'half-width' AS kind, halfwidth(q) AS v FROM queries WHERE q ~ '^[ぁ-ゖァ-ヺー]+$' AND q ~ '[ァ-ヺ]'
UNION ALL SELECT qid, 'other kana', CASE WHEN q ~ '[ァ-ヺ]' THEN hira(q) ELSE kata(q) END FROM queries WHERE q ~ '^[ぁ-ゖァ-ヺー]+$'
-- (a romaji query cannot start with "-": the query syntax reads a leading - as negation)
UNION ALL SELECT qid, 'romaji', to_romaji(q) FROM queries WHERE q ~ '^[ぁ-ゖァ-ヺ][ぁ-ゖァ-ヺー]*$' AND to_romaji(q) IS NOT NULL
UNION ALL SELECT qid, 'missing ー', replace(q, 'ー', '') FROM queries WHERE q ~ '.ー.' AND q ~ '^[ぁ-ゖァ-ヺー]+$';
-- truth: a sequential scan over the normalised text
CREATE TABLE truth AS SELECT qid, array(SELECT id FROM normed WHERE strpos(norm, ja_normalize(q)) > 0 ORDER BY id) AS ids FROM queries;
SQL

echo "== recall" >&2
methods="shinjp pg_trgm builtin"
[ $have_bigm = 1 ] && methods="shinjp pg_bigm pg_trgm builtin"
q >/dev/null <<SQL
SET search_path = public, shinjp;
CREATE FUNCTION method_sql(method text, variant bool) RETURNS text LANGUAGE sql IMMUTABLE AS \$\$
	SELECT CASE method
		WHEN 'shinjp' THEN CASE WHEN variant THEN 'FROM t_shinjp WHERE body OPERATOR(shinjp.&@~) \$1' ELSE 'FROM t_shinjp WHERE body OPERATOR(shinjp.&@) \$1' END
		WHEN 'pg_bigm' THEN 'FROM t_bigm WHERE body LIKE likequery(\$1)'
		WHEN 'pg_bigm_kana' THEN 'FROM t_bigm_kana WHERE body LIKE likequery(\$1) OR body LIKE likequery(\$2) OR body LIKE likequery(\$3)'
		WHEN 'pg_trgm' THEN 'FROM t_trgm WHERE body LIKE ''%'' || replace(replace(replace(\$1, ''\\'', ''\\\\''), ''%'', ''\\%''), ''_'', ''\\_'') || ''%'''
		WHEN 'builtin' THEN 'FROM t_builtin WHERE to_tsvector(''simple'', body) @@ plainto_tsquery(''simple'', \$1)'
	END \$\$;
CREATE FUNCTION found(method text, variant bool, qtext text) RETURNS int[] LANGUAGE plpgsql AS \$\$
DECLARE r int[];
BEGIN
	SET LOCAL enable_seqscan = off;
	EXECUTE 'SELECT array(SELECT id ' || method_sql(method, variant) || ' ORDER BY id)' INTO r USING qtext;
	RETURN r;
END \$\$;
CREATE TABLE recall (method text, kind text, qid int, truth int, hit int);
INSERT INTO recall
SELECT m, q.class, q.qid, cardinality(t.ids),
	(SELECT count(*) FROM unnest(found(m, false, q.q)) f JOIN unnest(t.ids) u ON u = f)
FROM queries q JOIN truth t USING (qid), unnest(string_to_array('$methods', ' ')) m;
INSERT INTO recall
SELECT m, v.kind, v.qid, cardinality(t.ids),
	(SELECT count(*) FROM unnest(found(m, m = 'shinjp', v.v)) f JOIN unnest(t.ids) u ON u = f)
FROM variants v JOIN truth t USING (qid), unnest(string_to_array('$methods', ' ')) m;
SQL

echo "== latency ($ROUNDS interleaved rounds)" >&2
q >/dev/null <<SQL
SET search_path = public, shinjp;
CREATE EXTENSION pg_prewarm;
SELECT pg_prewarm(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i') AND (c.relname LIKE 't\_%' OR c.relname LIKE 'i\_%');
CREATE TABLE lat (method text, kind text, qid int, round int, ms float8);
CREATE FUNCTION run_round(rnd int, methods text[]) RETURNS void LANGUAGE plpgsql AS \$\$
DECLARE rec record; m text; t0 timestamptz; n bigint; k int; nm int := cardinality(methods); h text; kt text;
BEGIN
	SET LOCAL enable_seqscan = off;
	FOR rec IN SELECT qid, q AS txt, class AS kind, false AS variant FROM queries
	           UNION ALL SELECT qid, v, 'variant', true FROM variants ORDER BY 1, 3 LOOP
		h := hira(rec.txt); kt := kata(rec.txt); -- pg_bigm_kana's other spellings, made outside the timing
		FOR k IN 0 .. nm - 1 LOOP
			m := methods[1 + (k + rec.qid + rnd) % nm];
			t0 := clock_timestamp();
			EXECUTE 'SELECT count(*) ' || method_sql(m, rec.variant AND m = 'shinjp') INTO n USING rec.txt, h, kt;
			INSERT INTO lat VALUES (m, rec.kind, rec.qid, rnd, extract(epoch FROM clock_timestamp() - t0) * 1000);
		END LOOP;
	END LOOP;
END \$\$;
SQL
lat_methods=$methods
[ $have_bigm = 1 ] && lat_methods="$methods pg_bigm_kana"
for r in $(seq 1 "$ROUNDS"); do
	q -c "SET search_path = public, shinjp; SELECT run_round($r, string_to_array('$lat_methods', ' '))" >/dev/null
done

echo "== report" >&2
table=$(q -F '|' <<SQL
SET search_path = public, shinjp;
CREATE TEMP VIEW rc AS SELECT method, kind, CASE WHEN sum(truth) = 0 THEN 1 ELSE sum(hit)::float8 / sum(truth) END AS recall, count(*) AS n FROM recall GROUP BY 1, 2;
CREATE TEMP VIEW permq AS SELECT method, kind = 'variant' AS variant, qid, kind, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM lat GROUP BY 1, 2, 3, 4;
CREATE TEMP VIEW lt AS SELECT method, variant, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95 FROM permq GROUP BY 1, 2;
-- queries whose pg_bigm answer is already complete (pg_bigm found every row): equal work for both
CREATE TEMP VIEW same AS SELECT qid FROM recall WHERE method = 'pg_bigm' AND kind NOT IN ('half-width', 'other kana', 'romaji', 'missing ー') AND hit = truth;
CREATE TEMP VIEW lt_same AS SELECT method, count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95
	FROM permq WHERE NOT variant AND qid IN (SELECT qid FROM same) GROUP BY 1;
CREATE TEMP VIEW rows AS
-- recall per class and variant against each baseline
SELECT 1 AS o, b.method AS base, 'recall ' || s.kind || ' (n=' || s.n || ')' AS metric, round(b.recall::numeric, 3)::text AS baseline, round(s.recall::numeric, 3)::text AS shinjp,
	CASE WHEN b.recall > 0 THEN round((s.recall / b.recall)::numeric, 2)::text ELSE 'inf' END AS ratio,
	CASE WHEN s.kind IN ('half-width', 'other kana', 'romaji', 'missing ー') THEN '>= 0.99' ELSE '1.000' END AS goal,
	CASE WHEN s.kind IN ('half-width', 'other kana', 'romaji', 'missing ー') THEN s.recall >= 0.99 ELSE s.recall = 1 END AS met
FROM rc s JOIN rc b ON b.kind = s.kind AND b.method <> 'shinjp' WHERE s.method = 'shinjp'
UNION ALL
SELECT 2, b.method, 'latency p50 ms, ' || CASE WHEN s.variant THEN 'variants (&@~)' ELSE 'real queries (&@)' END, round(b.p50::numeric, 3)::text, round(s.p50::numeric, 3)::text,
	round((s.p50 / nullif(b.p50, 0))::numeric, 2)::text, CASE WHEN s.variant THEN '(info)' ELSE '<= pg_bigm' END, s.p50 <= b.p50 OR s.variant
FROM lt s JOIN lt b ON b.variant = s.variant AND b.method <> 'shinjp' WHERE s.method = 'shinjp'
UNION ALL
SELECT 3, b.method, 'latency p95 ms, ' || CASE WHEN s.variant THEN 'variants (&@~)' ELSE 'real queries (&@)' END, round(b.p95::numeric, 3)::text, round(s.p95::numeric, 3)::text,
	round((s.p95 / nullif(b.p95, 0))::numeric, 2)::text, CASE WHEN s.variant THEN '(info)' ELSE '<= pg_bigm' END, s.p95 <= b.p95 OR s.variant
FROM lt s JOIN lt b ON b.variant = s.variant AND b.method <> 'shinjp' WHERE s.method = 'shinjp'
UNION ALL
SELECT 3, b.method, 'latency ' || p.p || ' ms, real queries with the same answer (n=' || s.n || ')',
	round(CASE p.p WHEN 'p50' THEN b.p50 ELSE b.p95 END::numeric, 3)::text, round(CASE p.p WHEN 'p50' THEN s.p50 ELSE s.p95 END::numeric, 3)::text,
	round((CASE p.p WHEN 'p50' THEN s.p50 / nullif(b.p50, 0) ELSE s.p95 / nullif(b.p95, 0) END)::numeric, 2)::text, '(info)', true
FROM lt_same s JOIN lt_same b ON b.method = 'pg_bigm' AND s.method = 'shinjp', (VALUES ('p50'), ('p95')) p(p)
UNION ALL
-- latency grows with the answer: normalisation makes many kana queries answer more rows
SELECT 2, b.method, 'rows found per real query, mean', round(b.rows, 1)::text, round(s.rows, 1)::text,
	round(s.rows / nullif(b.rows, 0), 2)::text, '(info)', true
FROM (SELECT method, avg(hit) AS rows FROM recall WHERE kind IN (SELECT class FROM queries) GROUP BY 1) s
JOIN (SELECT method, avg(hit) AS rows FROM recall WHERE kind IN (SELECT class FROM queries) GROUP BY 1) b ON b.method <> 'shinjp'
WHERE s.method = 'shinjp'
UNION ALL
SELECT 4, b.method, 'index build s', round(b.seconds::numeric, 2)::text, round(s.seconds::numeric, 2)::text,
	round((s.seconds / b.seconds)::numeric, 2)::text, '<= pg_bigm', s.seconds <= b.seconds
FROM build s JOIN build b ON b.method <> 'shinjp' WHERE s.method = 'shinjp'
UNION ALL
SELECT 5, b.method, 'index size MB', round(b.bytes / 1048576.0, 1)::text, round(s.bytes / 1048576.0, 1)::text,
	round(s.bytes::numeric / b.bytes, 2)::text, '<= 1.2x pg_bigm', s.bytes <= 1.2 * b.bytes
FROM build s JOIN build b ON b.method <> 'shinjp' WHERE s.method = 'shinjp';
SELECT base, metric, baseline, shinjp, ratio, CASE WHEN base = 'pg_bigm' THEN goal ELSE '(info)' END,
	CASE WHEN base <> 'pg_bigm' OR goal = '(info)' THEN '' WHEN met THEN 'yes' ELSE 'NO' END
FROM rows ORDER BY CASE base WHEN 'pg_bigm' THEN 0 WHEN 'pg_bigm_kana' THEN 1 WHEN 'pg_trgm' THEN 2 ELSE 3 END, o, metric;
SQL
)
nq=$(q -c "SELECT sum(n) || ' queries (' || string_agg(class || ' ' || n, ', ') || '), ' || (SELECT count(*) FROM variants) || ' variants, ' || (SELECT count(*) FROM corpus) || ' rows' FROM (SELECT class, count(*) AS n FROM queries GROUP BY 1 ORDER BY 1) x")
{
	echo "### jatext_search — exact substring search ($nq; $ROUNDS rounds; pg_bigm $( [ $have_bigm = 1 ] && echo installed || echo 'not installed'))"
	echo
	echo "| metric | baseline | shinjp | ratio | goal | met? |"
	echo "| --- | --- | --- | --- | --- | --- |"
	echo "$table" | awk -F'|' '{ printf "| %s [vs %s] | %s | %s | %s | %s | %s |\n", $2, $1, $3, $4, $5, $6, $7 }'
	[ $have_bigm = 1 ] || echo "| pg_bigm | not installed | | | | |"
} | tee build/bench/jatext_search.md
