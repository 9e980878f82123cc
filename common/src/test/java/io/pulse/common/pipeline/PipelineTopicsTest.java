package io.pulse.common.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka sources of event types and sinks of metrics, as the pipeline file declares them. */
class PipelineTopicsTest {

    @TempDir
    Path dir;

    private Pipeline load(String sources, String sinks) throws IOException {
        return load(sources, "", sinks);
    }

    private Pipeline load(String sources, String otherSources, String sinks) throws IOException {
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, """
                event-types:
                  frame:
                    schema: {"type": "object", "properties": {"ts": {"type": "integer"}, "uid": {"type": "string"}}}
                    timestamp: {field: ts, formats: [epoch-seconds]}
                    key: uid
                %s
                  other:
                    schema: {"type": "object", "properties": {"ts": {"type": "integer"}}}
                    timestamp: {field: ts, formats: [epoch-seconds]}
                %s
                metrics:
                  users:
                    from: frame
                    distinct: uid
                    granularity: 1m
                %s
                """.formatted(sources.indent(4), otherSources.indent(4), sinks.indent(4)));
        return PipelineLoader.load(file.toString());
    }

    @Test
    void sourcesAndSinksAreReadInOrder() throws IOException {
        Pipeline p = load("sources: [{kafka: {topic: raw.frames}}, {kafka: {topic: raw-frames_2}}]",
                "sinks: [{kafka: {topic: users_per_minute}}]");
        assertThat(p.eventType("frame").orElseThrow().sourceTopics()).containsExactly("raw.frames", "raw-frames_2");
        assertThat(p.eventType("other").orElseThrow().sourceTopics()).isEmpty();
        assertThat(p.metric("users").orElseThrow().sinkTopics()).containsExactly("users_per_minute");
    }

    @Test
    void withoutThemNothingIsReadOrPublished() throws IOException {
        Pipeline p = load("", "");
        assertThat(p.eventType("frame").orElseThrow().sourceTopics()).isEmpty();
        assertThat(p.metric("users").orElseThrow().sinkTopics()).isEmpty();
    }

    @Test
    void anIllegalTopicNameIsRefusedWhereItIsWritten() {
        assertThatThrownBy(() -> load("sources: [{kafka: {topic: 'raw frames'}}]", ""))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("event-types.frame.sources[0].kafka.topic")
                .hasMessageContaining("'raw frames' is not a Kafka topic name");
        assertThatThrownBy(() -> load("", "sinks: [{kafka: {topic: ..}}]"))
                .hasMessageContaining("metrics.users.sinks[0].kafka.topic");
    }

    @Test
    void pulsesOwnTopicsAreRefused() {
        for (String topic : new String[] {"events.frame", "events.dlq", "aggregates", "ingest.requests",
                "uploads.status", "pulse-aggregation-users-by-group-repartition"}) {
            assertThatThrownBy(() -> load("sources: [{kafka: {topic: " + topic + "}}]", ""))
                    .as(topic).hasMessageContaining("is one Pulse keeps for itself");
            assertThatThrownBy(() -> load("", "sinks: [{kafka: {topic: " + topic + "}}]"))
                    .as(topic).hasMessageContaining("metrics.users.sinks[0]");
        }
    }

    @Test
    void aSourceWithoutATopicOrOfAnotherKindIsRefused() {
        assertThatThrownBy(() -> load("sources: [{kafka: {}}]", ""))
                .hasMessageContaining("event-types.frame.sources[0].kafka").hasMessageContaining("topic");
        assertThatThrownBy(() -> load("sources: [{file: {path: x}}]", ""))
                .hasMessageContaining("event-types.frame.sources[0]").hasMessageContaining("'kafka'");
    }

    @Test
    void aMisspeltKeyIsNamedWithTheKeysAMetricTakesInOrder() {
        assertThatThrownBy(() -> load("", "sink: [{kafka: {topic: users}}]"))
                .hasMessageContaining("metrics.users.sink': unknown field 'sink'")
                .hasMessageContaining("use one of [aggregations, allowed-lateness, distinct, from, granularity,"
                        + " group-by, retention, sinks, value, zone]");
    }

    @Test
    void aTopicListedTwiceOrReadAsTwoTypesIsRefused() {
        assertThatThrownBy(() -> load("sources: [{kafka: {topic: raw}}, {kafka: {topic: raw}}]", ""))
                .hasMessageContaining("event-types.frame.sources[1].kafka.topic")
                .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> load("sources: [{kafka: {topic: raw}}]", "sources: [{kafka: {topic: raw}}]", ""))
                .hasMessageContaining("event-types.other.sources[0]")
                .hasMessageContaining("already a source of event type 'frame'");
    }

    @Test
    void aSinkIntoASourceWouldLoopAndIsRefused() {
        assertThatThrownBy(() -> load("sources: [{kafka: {topic: raw}}]", "sinks: [{kafka: {topic: raw}}]"))
                .hasMessageContaining("metrics.users.sinks[0]")
                .hasMessageContaining("is a source of event type 'frame'");
    }
}
