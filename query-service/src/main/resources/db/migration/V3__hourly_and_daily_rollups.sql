-- Count, sum, min and max of each group's buckets per hour and per day (epoch-aligned, like the buckets), so
-- questions about weeks and months read hundreds of rows instead of millions. The consumer recomputes a roll-up row
-- from the rows beneath it whenever one of them changes, so replaying aggregates still changes nothing. Sketches
-- are not rolled up: distinct counts and quantiles merge the buckets' own sketches.
CREATE TABLE bucket_hour (
    metric       text             NOT NULL,
    group_key    text             NOT NULL,
    bucket_start timestamptz      NOT NULL,
    event_count  bigint           NOT NULL,
    value_sum    double precision NOT NULL,
    value_min    double precision,
    value_max    double precision,
    PRIMARY KEY (metric, group_key, bucket_start)
);
CREATE INDEX bucket_hour_by_metric_and_start ON bucket_hour (metric, bucket_start);

CREATE TABLE bucket_day (LIKE bucket_hour INCLUDING ALL);

INSERT INTO bucket_hour (metric, group_key, bucket_start, event_count, value_sum, value_min, value_max)
SELECT metric, group_key, date_bin('3600 seconds', bucket_start, timestamptz '1970-01-01 00:00:00+00'),
       sum(event_count), sum(value_sum), min(value_min), max(value_max)
FROM bucket GROUP BY 1, 2, 3;

INSERT INTO bucket_day (metric, group_key, bucket_start, event_count, value_sum, value_min, value_max)
SELECT metric, group_key, date_bin('86400 seconds', bucket_start, timestamptz '1970-01-01 00:00:00+00'),
       sum(event_count), sum(value_sum), min(value_min), max(value_max)
FROM bucket_hour GROUP BY 1, 2, 3;
