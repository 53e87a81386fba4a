-- What is installed: versions and the SQL API catalogue
SELECT shinjp.version() AS shinjp, shinjp.icu_version() AS icu, current_setting('server_version') AS postgres;
SELECT p.oid::regprocedure AS function, obj_description(p.oid, 'pg_proc') AS description
FROM pg_proc p
WHERE p.pronamespace = 'shinjp'::regnamespace
ORDER BY p.proname::text COLLATE "C", 1::text;
