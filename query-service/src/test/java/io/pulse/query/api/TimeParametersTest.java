package io.pulse.query.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pulse.common.problem.ProblemException;
import io.pulse.query.time.Zoning;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Times as users write them, worked out by hand for noon UTC on the day Lisbon moves its clocks forward. */
class TimeParametersTest {

    /** 13:00 WEST (+01:00) in Lisbon, a Sunday; the day began at 00:00 WET, that is 00:00Z. */
    private static final Instant NOW = Instant.parse("2026-03-29T12:00:00Z");
    private static final Zoning LISBON = new Zoning(ZoneId.of("Europe/Lisbon"), true, DayOfWeek.MONDAY);

    private static Instant at(String text, Zoning zoning) {
        return TimeParameters.instant("from", text, zoning, NOW).orElseThrow();
    }

    @Test
    void relativeTimesMoveFromNowInTheQuestionsCalendar() {
        assertThat(at("now", LISBON)).isEqualTo(NOW);
        assertThat(at("now-24h", LISBON)).isEqualTo(Instant.parse("2026-03-28T12:00:00Z"));
        // a local day back is 13:00 WET the day before: 23 hours
        assertThat(at("-1d", LISBON)).isEqualTo(Instant.parse("2026-03-28T13:00:00Z"));
        assertThat(at("now+90m", LISBON)).isEqualTo(Instant.parse("2026-03-29T13:30:00Z"));
        assertThat(at("now/d", LISBON)).isEqualTo(Instant.parse("2026-03-29T00:00:00Z"));
        assertThat(at("now/w", LISBON)).isEqualTo(Instant.parse("2026-03-23T00:00:00Z"));
        assertThat(at("now-1mo/mo", LISBON)).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(at("now-1M/M", LISBON)).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(at("now/y", LISBON)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(at("now/q", Zoning.UTC)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(at("now-1w/d", Zoning.UTC)).isEqualTo(Instant.parse("2026-03-22T00:00:00Z"));
    }

    @Test
    void zoneLessTimesAreLocal() {
        assertThat(at("2026-07-01", LISBON)).isEqualTo(Instant.parse("2026-06-30T23:00:00Z"));
        assertThat(at("2026-07-01T08:30:00", LISBON)).isEqualTo(Instant.parse("2026-07-01T07:30:00Z"));
        assertThat(at("2026-07-01", Zoning.UTC)).isEqualTo(Instant.parse("2026-07-01T00:00:00Z"));
        assertThat(at("2026-07-01T08:30:00+05:30", LISBON)).isEqualTo(Instant.parse("2026-07-01T03:00:00Z"));
    }

    @Test
    void aTimeThatIsNoneIsNamed() {
        for (String bad : new String[] {"now-", "now/x", "-d", "yesterday", "now-1d-1h"}) {
            assertThatThrownBy(() -> at(bad, LISBON)).as(bad).isInstanceOfSatisfying(ProblemException.class, e -> {
                assertThat(e.problem().getStatus()).isEqualTo(400);
                assertThat(e.problem().getExtensions().get("parameter")).isEqualTo("from");
            });
        }
    }
}
