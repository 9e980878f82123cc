-- Every accepted event counts in its bucket, late or not. A bucket and each roll-up row say how many of their
-- events arrived after the bucket was final (late_count) and whether it changed after it became final (revised).
ALTER TABLE bucket ADD COLUMN revised boolean NOT NULL DEFAULT false;
ALTER TABLE bucket_hour ADD COLUMN late_count bigint NOT NULL DEFAULT 0, ADD COLUMN revised boolean NOT NULL DEFAULT false;
ALTER TABLE bucket_day ADD COLUMN late_count bigint NOT NULL DEFAULT 0, ADD COLUMN revised boolean NOT NULL DEFAULT false;
ALTER TABLE metric_hour ADD COLUMN late_count bigint NOT NULL DEFAULT 0, ADD COLUMN revised boolean NOT NULL DEFAULT false;
ALTER TABLE metric_day ADD COLUMN late_count bigint NOT NULL DEFAULT 0, ADD COLUMN revised boolean NOT NULL DEFAULT false;

-- Series read these two beside the values: kept in the primary key's leaves, so they stay index-only scans.
ALTER TABLE bucket DROP CONSTRAINT bucket_pkey;
ALTER TABLE bucket ADD PRIMARY KEY (metric, group_key, bucket_start)
    INCLUDE (event_count, value_sum, value_min, value_max, late_count, revised);

-- The revisions merged into each bucket, by their identity: a revision read again (a replay of aggregates, a batch
-- retried after a crash) is found here and not added twice. Written in the transaction that merges it.
CREATE TABLE bucket_revision (
    metric       text        NOT NULL,
    group_key    text        NOT NULL,
    bucket_start timestamptz NOT NULL,
    revision     text        NOT NULL,
    PRIMARY KEY (metric, group_key, bucket_start, revision)
);
