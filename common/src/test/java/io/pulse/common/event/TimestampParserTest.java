package io.pulse.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pulse.common.pipeline.TimestampSpec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
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
    void refusesWhatMatchesNoFormat() {
        assertThatThrownBy(() -> parser.parse(F.textNode("yesterday"))).hasMessageContaining("matches none of the formats");
        assertThatThrownBy(() -> parser.parse(F.booleanNode(true))).hasMessageContaining("string or a number");
        assertThatThrownBy(() -> parser.parse(null)).hasMessageContaining("missing");
        assertThatThrownBy(() -> parser.parse(F.numberNode(Double.NaN))).hasMessageContaining("matches none");
        assertThatThrownBy(() -> parser.parse(F.textNode("2018-13-45 99:00:00"))).hasMessageContaining("matches none");
    }

    /**
     * The parser reads texts without DateTimeFormatter's exceptions; {@code parseBest}, the straightforward reading,
     * must give the same instant, or refuse, for every format and text, in a zone with summer time.
     */
    @Test
    void readsTextsAsParseBestDoes() {
        ZoneId zone = ZoneId.of("Europe/Lisbon");
        List<String> patterns = List.of("yyyy-MM-dd HH:mm:ss[.SSSSSS]", "yyyy-MM-dd'T'HH:mm[:ss]XXX", "yyyy-MM-dd XXX",
                "dd/MM/yyyy", "yyyy-MM-dd[ HH:mm]", "uuuu-MM-dd HH:mm:ss VV");
        List<String> texts = List.of("2018-12-26 18:11:08.509654", "2018-12-26 18:11:08", " 2018-12-26 18:11:08 ",
                "2018-12-26T18:11:08+01:00", "2018-12-26T18:11Z", "2018-12-26T18:11:08.5Z", "2018-12-26 +02:00",
                "26/12/2018", "2018-12-26", "2018-12-26 18:11", "2020-07-01 12:00:00 Europe/Paris",
                "2018-13-45 99:00:00", "2018-12-26 18:11:08.509654 trailing", "2018-12-26T", "", "yesterday",
                "2021-03-28 01:30:00", "2020-07-01T12:00:00", "2020-07-01T12:00:00[Europe/Paris]", "2019-02-29");
        for (String pattern : patterns) {
            assertSameReadings(List.of(pattern), DateTimeFormatter.ofPattern(pattern), zone, texts);
        }
        assertSameReadings(List.of("iso"), DateTimeFormatter.ISO_DATE_TIME, zone, texts);
    }

    private static void assertSameReadings(List<String> formats, DateTimeFormatter formatter, ZoneId zone,
                                           List<String> texts) {
        TimestampParser parser = new TimestampParser(new TimestampSpec("t", formats, zone));
        for (String text : texts) {
            Optional<Instant> expected = parseBest(formatter, zone, text);
            if (formats.equals(List.of("iso")) && expected.isEmpty()) {
                expected = parseBest(DateTimeFormatter.ISO_LOCAL_DATE, zone, text);
            }
            Optional<Instant> actual;
            try {
                actual = Optional.of(parser.parse(F.textNode(text)));
            } catch (TimestampException e) {
                actual = Optional.empty();
            }
            assertThat(actual).as("'%s' as %s", text, formats).isEqualTo(expected);
        }
    }

    private static Optional<Instant> parseBest(DateTimeFormatter formatter, ZoneId zone, String text) {
        try {
            TemporalAccessor parsed = formatter.parseBest(text.trim(), ZonedDateTime::from, LocalDateTime::from,
                    LocalDate::from);
            if (parsed instanceof ZonedDateTime z) {
                return Optional.of(z.toInstant());
            }
            if (parsed instanceof LocalDateTime l) {
                return Optional.of(l.atZone(zone).toInstant());
            }
            return Optional.of(((LocalDate) parsed).atStartOfDay(zone).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
