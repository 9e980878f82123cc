package io.pulse.aggregation.buckets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Event times and wall-clock times in milliseconds, small numbers so each expected clock is worked out by hand. */
class EventClockTest {

    private static final long IDLE_AFTER = 50_000;

    private final EventClock clock = new EventClock(IDLE_AFTER);

    @Test
    void noClockBeforeTheFirstEvent() {
        assertThat(clock.at(1_000)).isEqualTo(EventClock.NONE);
    }

    @Test
    void oneSourceIsItsLatestEventTimePlusTheTimeItHasBeenQuiet() {
        clock.advance(0, 10_000, 0);
        assertThat(clock.at(0)).isEqualTo(10_000);
        assertThat(clock.at(500)).isEqualTo(10_500);
        clock.advance(0, 8_000, 600); // an older event ends the quiet time, but the clock never goes back
        assertThat(clock.at(600)).isEqualTo(10_500);
        assertThat(clock.at(1_200)).isEqualTo(10_600);
    }

    @Test
    void theSlowestSourceSetsTheClock() {
        clock.advance(0, 10_000, 0);
        clock.advance(1, 2_000, 0);
        assertThat(clock.at(0)).isEqualTo(2_000);
        clock.advance(0, 60_000, 100); // source 0 runs far ahead: nothing changes until source 1 moves
        assertThat(clock.at(100)).isEqualTo(2_100); // 2,000 + 100 ms quiet
        clock.advance(1, 3_000, 200);
        assertThat(clock.at(200)).isEqualTo(3_000);
        // Both quiet: source 1 for 9.8 s at 3,000 + 9,800, source 0 for 9.9 s at 60,000 + 9,900.
        assertThat(clock.at(10_000)).isEqualTo(12_800);
    }

    @Test
    void aSourceQuietForLongerThanTheIdleTimeNoLongerHoldsTheClockBack() {
        clock.advance(0, 60_000, 100);
        clock.advance(1, 3_000, 100);
        clock.advance(0, 110_000, 50_100); // source 1 quiet for exactly the idle time: still waited for
        assertThat(clock.at(50_100)).isEqualTo(3_000 + 50_000);
        clock.advance(0, 120_000, 60_000); // now quiet for 59.9 s
        assertThat(clock.at(60_000)).isEqualTo(120_000);
        // All quiet beyond the idle time: the fastest, source 0 at 120,000 + 100,000 (source 1 is at 3,000 + 159,900).
        assertThat(clock.at(160_000)).isEqualTo(220_000);
        // Heard again: waited for again, but the clock does not go back (its events behind it are late).
        clock.advance(1, 4_000, 170_000);
        assertThat(clock.at(170_000)).isEqualTo(220_000);
        clock.advance(1, 400_000, 180_000); // source 0, quiet for two minutes, is left out
        assertThat(clock.at(180_000)).isEqualTo(400_000);
    }

    @Test
    void restoredSourcesAreQuietFromTheFirstReadingAndUnheardPartitionsDoNotCount() {
        clock.restore(3, 5_000);
        clock.restore(1, 7_000);
        assertThat(clock.at(1_795_000_000_000L)).isEqualTo(5_000); // the first reading starts the quiet time
        assertThat(clock.at(1_795_000_000_250L)).isEqualTo(5_250);
        Map<Integer, Long> sources = new LinkedHashMap<>();
        clock.forEachSource(sources::put);
        assertThat(sources).containsExactly(Map.entry(1, 7_000L), Map.entry(3, 5_000L));
    }

    @Test
    void aNegativePartitionIsRefused() {
        assertThatThrownBy(() -> clock.advance(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
