package io.pulse.aggregation.buckets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Store keys sort by bucket start, so the buckets starting up to a time are one range scan. */
class StoreKeysTest {

    @Test
    void keysSortByStartAcrossTheEpochAndUpToBoundsExactlyThoseStartingAtOrBefore() {
        List<Long> starts = List.of(Long.MIN_VALUE / 2, -60_000L, -1L, 0L, 1L, 60_000L, 1_545_847_200_000L);
        List<String> keys = starts.stream().map(start -> StoreKeys.of(start, "{\"g\":\"z\"}")).toList();
        assertThat(keys).isSorted().allMatch(key -> key.compareTo(StoreKeys.FIRST) > 0);
        for (long bound : starts) {
            String upTo = StoreKeys.upTo(bound);
            for (long start : starts) {
                // a group whose JSON sorts high, and one whose sorts low, on either side of the bound
                Stream.of("{}", "{\"g\":\"\uffff\"}").forEach(group -> assertThat(
                        StoreKeys.of(start, group).compareTo(upTo) < 0).as("%d up to %d", start, bound)
                        .isEqualTo(start <= bound));
            }
        }
    }
}
