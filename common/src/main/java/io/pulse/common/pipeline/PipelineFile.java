package io.pulse.common.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;

/** The pipeline file exactly as written, before validation; unknown fields are refused while reading. */
record PipelineFile(
        @JsonProperty(value = "event-types", required = true) LinkedHashMap<String, EventTypeEntry> eventTypes,
        @JsonProperty("metrics") LinkedHashMap<String, MetricEntry> metrics) {

    record EventTypeEntry(
            @JsonProperty(value = "schema", required = true) JsonNode schema,
            @JsonProperty(value = "timestamp", required = true) TimestampEntry timestamp,
            @JsonProperty("id") String id,
            @JsonProperty("key") String key,
            @JsonProperty("derived") LinkedHashMap<String, JsonNode> derived,
            @JsonProperty("sources") List<TopicEntry> sources) {
    }

    /** One source or sink: only Kafka topics so far, written {@code - kafka: { topic: NAME }}. */
    record TopicEntry(@JsonProperty(value = "kafka", required = true) KafkaEntry kafka) {
    }

    record KafkaEntry(@JsonProperty(value = "topic", required = true) String topic) {
    }

    record TimestampEntry(
            @JsonProperty(value = "field", required = true) String field,
            @JsonProperty("formats") List<String> formats,
            @JsonProperty("zone") String zone) {
    }

    record MetricEntry(
            @JsonProperty(value = "from", required = true) String from,
            @JsonProperty("value") String value,
            @JsonProperty("distinct") String distinct,
            @JsonProperty("group-by") List<String> groupBy,
            @JsonProperty(value = "granularity", required = true) String granularity,
            @JsonProperty("allowed-lateness") String allowedLateness,
            @JsonProperty("aggregations") List<String> aggregations,
            @JsonProperty("retention") String retention,
            @JsonProperty("zone") String zone,
            @JsonProperty("sinks") List<TopicEntry> sinks) {
    }
}
