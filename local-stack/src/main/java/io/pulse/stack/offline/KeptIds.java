package io.pulse.stack.offline;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The ids of the events kept so far, with their event times, deciding each next event by {@link Deduplication}.
 * Almost every id is seen once: those live in an open-addressing table of ids and times, without an object per id
 * beyond its text (a HashMap of boxed times made reading a million translations about twice as slow); the few
 * kept more than once, further apart than the horizon, keep their further times beside it.
 */
final class KeptIds {

    private final long horizonMillis;
    private String[] ids = new String[1 << 16];
    private long[] times = new long[1 << 16];
    private int size;
    private final Map<String, long[]> laterTimes = new HashMap<>();

    KeptIds(long horizonMillis) {
        this.horizonMillis = horizonMillis;
    }

    /** Whether the event is kept; if so it is remembered. */
    boolean keep(String id, long ts) {
        int slot = slot(ids, id);
        if (ids[slot] == null) {
            ids[slot] = id;
            times[slot] = ts;
            if (++size > ids.length / 2) {
                grow();
            }
            return true;
        }
        if (Math.abs(times[slot] - ts) <= horizonMillis) {
            return false;
        }
        long[] later = laterTimes.get(id);
        if (later != null) {
            for (long t : later) {
                if (Math.abs(t - ts) <= horizonMillis) {
                    return false;
                }
            }
        }
        long[] more = later == null ? new long[1] : Arrays.copyOf(later, later.length + 1);
        more[more.length - 1] = ts;
        laterTimes.put(id, more);
        return true;
    }

    /** The slot holding {@code id}, or the empty one where it belongs. */
    private static int slot(String[] table, String id) {
        int mask = table.length - 1;
        int slot = mix(id.hashCode()) & mask;
        while (table[slot] != null && !table[slot].equals(id)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static int mix(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private void grow() {
        String[] oldIds = ids;
        long[] oldTimes = times;
        ids = new String[oldIds.length * 2];
        times = new long[oldIds.length * 2];
        for (int i = 0; i < oldIds.length; i++) {
            if (oldIds[i] != null) {
                int slot = slot(ids, oldIds[i]);
                ids[slot] = oldIds[i];
                times[slot] = oldTimes[i];
            }
        }
    }
}
