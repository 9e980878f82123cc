package io.pulse.aggregation.buckets;

import io.pulse.common.event.CanonicalEvent;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The event topic's partition an event was read from, carried in a header through a repartition topic, where the
 * {@link EventClock} keeps a clock per source partition. Without a repartition a bucket processor's only source is
 * its task's own partition, and it reads no header.
 */
public final class SourcePartition implements FixedKeyProcessor<String, CanonicalEvent, CanonicalEvent> {

    static final String HEADER = "pulse-source-partition";

    private FixedKeyProcessorContext<String, CanonicalEvent> context;

    @Override
    public void init(FixedKeyProcessorContext<String, CanonicalEvent> context) {
        this.context = context;
    }

    /** Tags the event with its partition, replacing a header of that name a producer may have set. */
    @Override
    public void process(FixedKeyRecord<String, CanonicalEvent> record) {
        record.headers().remove(HEADER).add(HEADER, bytes(context.recordMetadata().orElseThrow().partition()));
        context.forward(record);
    }

    static byte[] bytes(int partition) {
        return new byte[] {(byte) (partition >>> 24), (byte) (partition >>> 16), (byte) (partition >>> 8), (byte) partition};
    }

    /** The source partition of a record tagged by this processor before its repartition topic. */
    static int of(Headers headers) {
        Header header = headers.lastHeader(HEADER);
        if (header == null || header.value() == null || header.value().length != 4) {
            throw new IllegalStateException("a record on a repartition topic without its source partition ("
                    + HEADER + " header): written by something other than this topology");
        }
        byte[] b = header.value();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }
}
