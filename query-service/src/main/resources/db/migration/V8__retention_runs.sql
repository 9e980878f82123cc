-- When retention last ran, by whichever query instance: the others skip it until an interval has passed, so the
-- instances share one run per interval instead of each running it.
CREATE TABLE retention_run (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    last_run timestamptz NOT NULL
);
