package io.pulse.bench.workload;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A generated workload: the raw lines a client would send (without line breaks), each line's event time, and the
 * answer the bench computed from them.
 *
 * @param header     the CSV header line, or null for NDJSON
 * @param lines      one event per line, in the order they are sent
 * @param eventTimes each line's event time in epoch milliseconds
 */
public record Generated(String header, List<byte[]> lines, long[] eventTimes, Expected expected) {

    public int size() {
        return lines.size();
    }

    /** The lines {@code [from, to)} as one body: the header first for CSV, each line ended by a newline. */
    public byte[] body(int from, int to) {
        byte[] head = header == null ? new byte[0] : (header + "\n").getBytes(StandardCharsets.UTF_8);
        int length = head.length;
        for (int i = from; i < to; i++) {
            length += lines.get(i).length + 1;
        }
        byte[] body = new byte[length];
        System.arraycopy(head, 0, body, 0, head.length);
        int at = head.length;
        for (int i = from; i < to; i++) {
            byte[] line = lines.get(i);
            System.arraycopy(line, 0, body, at, line.length);
            at += line.length;
            body[at++] = '\n';
        }
        return body;
    }
}
