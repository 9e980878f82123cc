-- Buckets carry their late-event count and, for metrics that keep them, mergeable sketches (DataSketches bytes).
ALTER TABLE bucket
    ADD COLUMN late_count      bigint NOT NULL DEFAULT 0,
    ADD COLUMN distinct_sketch bytea,
    ADD COLUMN quantile_sketch bytea;
