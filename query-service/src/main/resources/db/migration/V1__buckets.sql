-- One row per bucket of one group of one metric: the latest value the aggregation service published.
CREATE TABLE bucket (
    metric       text             NOT NULL,
    -- the group-by values as JSON sorted by field, e.g. {"client_name":"airliberty"}; {} for an ungrouped metric
    group_key    text             NOT NULL,
    bucket_start timestamptz      NOT NULL,
    bucket_end   timestamptz      NOT NULL,
    event_count  bigint           NOT NULL,
    value_sum    double precision NOT NULL,
    value_min    double precision,
    value_max    double precision,
    is_final     boolean          NOT NULL,
    updated_at   timestamptz      NOT NULL,
    -- serves one group's series
    PRIMARY KEY (metric, group_key, bucket_start)
);

-- serves roll-ups of all groups over a time range
CREATE INDEX bucket_by_metric_and_start ON bucket (metric, bucket_start);
