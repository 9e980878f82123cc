package io.pulse.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pulse.common.pipeline.TimestampSpec;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimestampParserTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final TimestampParser parser = new TimestampParser(new TimestampSpec("t",
            List.of("yyyy-MM-dd HH:mm:ss[.SSSSSS]", "iso", "epoch-seconds", "epoch-millis"), ZoneOffset.UTC));

    @Test
    void readsEveryDeclaredFormat() throws TimestampException {
        assertThat(parser.parse(F.textNode("2018-12-26 18:11:08.509654"))).isEqualTo(Instant.parse("2018-12-26T18:11:08.509654Z"));
        assertThat(parser.parse(F.textNode("2018-12-26 18:11:08"))).isEqualTo(Instant.parse("2018-12-26T18:11:08Z"));
        assertThat(parser.parse(F.textNode("2018-12-26T18:11:08+01:00"))).isEqualTo(Instant.parse("2018-12-26T17:11:08Z"));
        assertThat(parser.parse(F.textNode("2018-12-26T18:11:08Z"))).isEqualTo(Instant.parse("2018-12-26T18:11:08Z"));
        // 1545847868 s = 2018-12-26T18:11:08Z (date -u -d @1545847868)
        assertThat(parser.parse(F.numberNode(1545847868L))).isEqualTo(Instant.parse("2018-12-26T18:11:08Z"));
        assertThat(parser.parse(F.numberNode(1545847868.5))).isEqualTo(Instant.parse("2018-12-26T18:11:08.500Z"));
        assertThat(parser.parse(F.numberNode(1545847868509L))).isEqualTo(Instant.parse("2018-12-26T18:11:08.509Z"));
    }

    @Test
    void zoneLessTimesAreInTheTypesZone() throws TimestampException {
        TimestampParser lisbonSummer = new TimestampParser(new TimestampSpec("t", List.of("iso"), ZoneId.of("Europe/Lisbon")));
        assertThat(lisbonSummer.parse(F.textNode("2020-07-01T12:00:00"))).isEqualTo(Instant.parse("2020-07-01T11:00:00Z"));
    }

    @Test
    void aDateAloneIsMidnightInTheTypesZone() throws TimestampException {
        TimestampParser utc = new TimestampParser(new TimestampSpec("Date", List.of("yyyy-MM-dd"), ZoneOffset.UTC));
        assertThat(utc.parse(F.textNode("2019-01-20"))).isEqualTo(Instant.parse("2019-01-20T00:00:00Z"));
        // Lisbon is UTC+1 on 1 July (summer time): its midnight is 23:00 UTC the day before.
        TimestampParser lisbon = new TimestampParser(new TimestampSpec("Date", List.of("yyyy-MM-dd"), ZoneId.of("Europe/Lisbon")));
        assertThat(lisbon.parse(F.textNode("2020-07-01"))).isEqualTo(Instant.parse("2020-06-30T23:00:00Z"));
        assertThatThrownBy(() -> utc.parse(F.textNode("2019-02-30"))).hasMessageContaining("matches none");
        assertThatThrownBy(() -> utc.parse(F.textNode("20/01/2019"))).hasMessageContaining("matches none");
    }

    @Test
    void refusesWhatMatchesNoFormat() throws TimestampException {
        assertThatThrownBy(() -> parser.parse(F.textNode("yesterday"))).hasMessageContaining("matches none of the formats");
        assertThatThrownBy(() -> parser.parse(F.booleanNode(true))).hasMessageContaining("string or a number");
        assertThatThrownBy(() -> parser.parse(null)).hasMessageContaining("missing");
        assertThatThrownBy(() -> parser.parse(F.numberNode(Double.NaN))).hasMessageContaining("matches none");
        assertThatThrownBy(() -> parser.parse(F.textNode("2018-13-45 99:00:00"))).hasMessageContaining("matches none");
        assertThatThrownBy(() -> parser.parse(F.textNode("2018-02-29 10:00:00"))).hasMessageContaining("matches none");
        TimestampParser uuuu = new TimestampParser(new TimestampSpec("t", List.of("uuuu-MM-dd"), ZoneOffset.UTC));
        assertThat(uuuu.parse(F.textNode("2016-02-29"))).isEqualTo(Instant.parse("2016-02-29T00:00:00Z"));
    }

    /** The fast reader of the common layout must agree with the formatter on everything, odd text included. */
    @Test
    void theCommonLayoutReadsAsTheFormatterDoes() throws TimestampException {
        TimestampParser formatterOnly = new TimestampParser(new TimestampSpec("t",
                List.of("yyyy-MM-dd HH:mm:ss[.SSSSSS]", "yyyy-MM-dd'T'HH:mm:ss[.SSSSSS]"), ZoneOffset.UTC));
        TimestampParser fast = new TimestampParser(new TimestampSpec("t", List.of("yyyy-MM-dd HH:mm:ss[.SSSSSS]"), ZoneOffset.UTC));
        for (String text : List.of("2018-12-26 18:11:08.509654", "2018-12-26 18:11:08", "1999-01-01 00:00:00.000001",
                "2020-02-29 23:59:59.999999", "2018-04-31 10:00:00", " 2018-12-26 18:11:08 ", "+2018-12-26 18:11:08", "2018-12-26 18:11:08.5",
                "2018-12-26 24:00:00")) {
            // the second format only differs by the literal T: the first one, the fast one, decides alone
            assertThat(outcome(fast, text)).as(text).isEqualTo(outcome(formatterOnly, text));
        }
        assertThat(fast.parse(F.textNode("2018-12-26 18:11:08.509654")))
                .isEqualTo(java.time.LocalDateTime.of(2018, 12, 26, 18, 11, 8, 509_654_000).toInstant(ZoneOffset.UTC));
        // patterns are read strictly: April 31st and 24:00:00 are refused by the fast reader as by the formatter
        for (String bad : List.of("2018-04-31 10:00:00", "2018-12-26 24:00:00", "2018-12-26 18:11:08.5", "2018-13-26 18:11:08",
                "2018-12-26 18:11:08.50965x", "2018-12-26T18:11:08", "0000-12-26 18:11:08")) {
            assertThatThrownBy(() -> fast.parse(F.textNode(bad))).as(bad).hasMessageContaining("matches none");
        }
    }

    private static Object outcome(TimestampParser parser, String text) {
        try {
            return parser.parse(F.textNode(text));
        } catch (TimestampException e) {
            return "refused";
        }
    }
}
