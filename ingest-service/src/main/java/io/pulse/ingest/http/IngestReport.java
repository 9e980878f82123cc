package io.pulse.ingest.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pulse.ingest.intake.ItemCollector;
import java.util.List;

/**
 * The 202 answer to POST /v1/events: how many items were accepted and rejected, and why each rejected one was.
 *
 * @param accepted        items now durable on the event type's topic
 * @param rejected        items refused, each kept on the dead-letter topic
 * @param backfill        accepted items whose bucket of some metric had closed when they were received (its end
 *                        plus the metric's allowed lateness had passed): merged into buckets already published
 * @param errors          the first rejected items' reasons, by item index (0-based; for NDJSON, line number − 1)
 * @param errorsTruncated whether more items were rejected than are listed
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record IngestReport(@JsonInclude(JsonInclude.Include.ALWAYS) long accepted,
                           @JsonInclude(JsonInclude.Include.ALWAYS) long rejected,
                           @JsonInclude(JsonInclude.Include.ALWAYS) long backfill,
                           @JsonInclude(JsonInclude.Include.ALWAYS) List<ItemCollector.ItemErrors> errors,
                           @JsonProperty("errors_truncated") boolean errorsTruncated) {
}
