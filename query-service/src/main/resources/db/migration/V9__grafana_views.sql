-- Read-only views of the exact aggregations, for SQL clients such as Grafana's PostgreSQL data source. They are the
-- contract (docs/operations.md, "Values in Grafana"): their names, columns and types stay; the tables beneath are
-- internal and may change. A later migration that changes a table these views read recreates them with the same
-- columns (new columns only at the end). Distinct counts and quantiles are sketches and are not here: the query API
-- answers them.
--
-- pulse_values: one row per stored bucket of one group of one metric, its latest value. Equal to
-- GET /v1/metrics/{metric}/series with step = the metric's granularity, group_by = every group field.
CREATE VIEW pulse_values AS
SELECT metric                                                              AS metric,
       group_key::jsonb                                                    AS "group",
       bucket_start                                                        AS "time",
       bucket_end                                                          AS "end",
       event_count                                                         AS "count",
       CASE WHEN event_count > 0 THEN value_sum END                        AS "sum",
       CASE WHEN event_count > 0 THEN value_sum / event_count END          AS "avg",
       CASE WHEN event_count > 0 THEN value_min END                        AS "min",
       CASE WHEN event_count > 0 THEN value_max END                        AS "max",
       late_count                                                          AS late,
       is_final                                                            AS final,
       revised                                                             AS revised,
       updated_at                                                          AS updated_at
FROM bucket;

-- pulse_values_hourly, pulse_values_daily: one row per group and UTC hour (day) from epoch, summing the buckets that
-- start in it. Equal to /series with step=1h (1d) for a metric whose granularity divides an hour (a day) and whose
-- buckets are epoch-aligned (no zone, or UTC).
CREATE VIEW pulse_values_hourly AS
SELECT metric                                                              AS metric,
       group_key::jsonb                                                    AS "group",
       bucket_start                                                        AS "time",
       bucket_start + interval '1 hour'                                    AS "end",
       event_count                                                         AS "count",
       CASE WHEN event_count > 0 THEN value_sum END                        AS "sum",
       CASE WHEN event_count > 0 THEN value_sum / event_count END          AS "avg",
       CASE WHEN event_count > 0 THEN value_min END                        AS "min",
       CASE WHEN event_count > 0 THEN value_max END                        AS "max",
       late_count                                                          AS late,
       revised                                                             AS revised
FROM bucket_hour;

CREATE VIEW pulse_values_daily AS
SELECT metric                                                              AS metric,
       group_key::jsonb                                                    AS "group",
       bucket_start                                                        AS "time",
       bucket_start + interval '1 day'                                     AS "end",
       event_count                                                         AS "count",
       CASE WHEN event_count > 0 THEN value_sum END                        AS "sum",
       CASE WHEN event_count > 0 THEN value_sum / event_count END          AS "avg",
       CASE WHEN event_count > 0 THEN value_min END                        AS "min",
       CASE WHEN event_count > 0 THEN value_max END                        AS "max",
       late_count                                                          AS late,
       revised                                                             AS revised
FROM bucket_day;

COMMENT ON VIEW pulse_values IS 'Pulse: one row per bucket of one group of one metric (docs/operations.md, "Values in Grafana")';
COMMENT ON VIEW pulse_values_hourly IS 'Pulse: one row per group and UTC hour (docs/operations.md, "Values in Grafana")';
COMMENT ON VIEW pulse_values_daily IS 'Pulse: one row per group and UTC day (docs/operations.md, "Values in Grafana")';

-- pulse_reader: a group role that may read the views and nothing else; Grafana logs in as a user that is a member
-- (CREATE ROLE grafana LOGIN PASSWORD '…' IN ROLE pulse_reader). Created only where the migrating user may create
-- roles; elsewhere an administrator creates it and runs the two GRANTs (docs/operations.md).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pulse_reader') THEN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolcreaterole)) THEN
            CREATE ROLE pulse_reader NOLOGIN;
        ELSE
            RAISE NOTICE 'role pulse_reader not created: % may not create roles', current_user;
        END IF;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pulse_reader') THEN
        BEGIN
            EXECUTE format('GRANT USAGE ON SCHEMA %I TO pulse_reader', current_schema());
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'USAGE on schema % not granted to pulse_reader: % may not grant it', current_schema(), current_user;
        END;
        GRANT SELECT ON pulse_values, pulse_values_hourly, pulse_values_daily TO pulse_reader;
    END IF;
END
$$;
