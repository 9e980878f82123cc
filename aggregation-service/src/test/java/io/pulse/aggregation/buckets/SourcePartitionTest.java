package io.pulse.aggregation.buckets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class SourcePartitionTest {

    @Test
    void aTaggedPartitionIsReadBack() {
        for (int partition : new int[] {0, 7, 255, 256, 70_000, Integer.MAX_VALUE}) {
            var headers = new RecordHeaders().add("other", new byte[] {1}).add(SourcePartition.HEADER, SourcePartition.bytes(partition));
            assertThat(SourcePartition.of(headers)).as("partition %d", partition).isEqualTo(partition);
        }
    }

    @Test
    void anUntaggedRecordIsRefused() {
        assertThatThrownBy(() -> SourcePartition.of(new RecordHeaders())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(SourcePartition.HEADER);
    }
}
