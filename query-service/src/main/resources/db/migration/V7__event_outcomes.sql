-- What became of each event type's events besides the buckets: rejected to events.dlq ('dead_letter') or dropped as
-- a repeat of an id already counted ('duplicate'). Each record of those topics is counted once: the next offset to
-- count of each partition is kept beside the counts and moves in the same transaction.
CREATE TABLE event_outcome (
    event_type text   NOT NULL,
    outcome    text   NOT NULL,
    events     bigint NOT NULL,
    PRIMARY KEY (event_type, outcome)
);

CREATE TABLE counted_offset (
    topic       text    NOT NULL,
    partition   integer NOT NULL,
    next_offset bigint  NOT NULL,
    PRIMARY KEY (topic, partition)
);
