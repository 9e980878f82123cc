package io.pulse.common.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.pipeline.TimestampSpec;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads an event's time in the formats its type declares, trying them in order. */
public final class TimestampParser {

    /** Epoch seconds beyond this (year 5138) are taken to be milliseconds written in the wrong format. */
    private static final BigDecimal MAX_EPOCH_SECONDS = BigDecimal.valueOf(100_000_000_000L);

    private final List<Format> formats = new ArrayList<>();
    private final List<String> names;
    private final ZoneId zone;

    public TimestampParser(TimestampSpec spec) {
        this.names = spec.formats();
        this.zone = spec.zone();
        for (String name : spec.formats()) {
            formats.add(switch (name) {
                case "iso" -> this::iso;
                case "epoch-seconds" -> TimestampParser::epochSeconds;
                case "epoch-millis" -> TimestampParser::epochMillis;
                default -> pattern(name);
            });
        }
    }

    /** The instant written in {@code value}, a JSON string or number. */
    public Instant parse(JsonNode value) throws TimestampException {
        if (value == null || value.isNull() || value.isMissingNode()) {
            throw new TimestampException("timestamp is missing");
        }
        if (!value.isTextual() && !value.isNumber()) {
            throw new TimestampException("timestamp must be a string or a number, not " + value.getNodeType().name().toLowerCase());
        }
        for (Format format : formats) {
            Optional<Instant> instant = format.parse(value);
            if (instant.isPresent()) {
                return instant.get();
            }
        }
        String shown = value.asText().length() > 40 ? value.asText().substring(0, 40) + "…" : value.asText();
        throw new TimestampException("'" + shown + "' matches none of the formats " + names);
    }

    private Optional<Instant> iso(JsonNode value) {
        if (!value.isTextual()) {
            return Optional.empty();
        }
        return parseText(DateTimeFormatter.ISO_DATE_TIME, value.asText())
                .or(() -> parseText(DateTimeFormatter.ISO_LOCAL_DATE, value.asText()));
    }

    /**
     * A pattern read strictly, so an impossible date ({@code 2019-02-30}) is refused instead of moved to the end of
     * the month. Strict resolution needs an era for {@code yyyy} (year of era): the current one, as people mean.
     */
    private static DateTimeFormatter strict(String pattern) {
        return new DateTimeFormatterBuilder().appendPattern(pattern).parseDefaulting(ChronoField.ERA, 1)
                .toFormatter().withResolverStyle(ResolverStyle.STRICT);
    }

    private Format pattern(String pattern) {
        DateTimeFormatter formatter = strict(pattern);
        Optional<LocalDateTimeText> fast = LocalDateTimeText.of(pattern);
        if (fast.isPresent()) {
            // The common layout is read digit by digit, several times faster; anything unusual goes to the formatter.
            LocalDateTimeText layout = fast.get();
            return value -> value.isTextual() ? layout.parse(value.asText()).map(t -> t.atZone(zone).toInstant())
                    .or(() -> parseText(formatter, value.asText())) : Optional.empty();
        }
        return value -> value.isTextual() ? parseText(formatter, value.asText()) : Optional.empty();
    }

    private Optional<Instant> parseText(DateTimeFormatter formatter, String text) {
        try {
            TemporalAccessor parsed = formatter.parseBest(text.trim(), ZonedDateTime::from, LocalDateTime::from, LocalDate::from);
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

    private static Optional<Instant> epochSeconds(JsonNode value) {
        return number(value).filter(n -> n.abs().compareTo(MAX_EPOCH_SECONDS) < 0)
                .map(n -> Instant.ofEpochMilli(n.movePointRight(3).longValue()));
    }

    private static Optional<Instant> epochMillis(JsonNode value) {
        return number(value).filter(n -> n.stripTrailingZeros().scale() <= 0 && n.toBigInteger().bitLength() < 63)
                .map(n -> Instant.ofEpochMilli(n.longValueExact()));
    }

    private static Optional<BigDecimal> number(JsonNode value) {
        try {
            if (value.isNumber() && !value.isDouble() && !value.isFloat()) {
                return Optional.of(value.decimalValue());
            }
            if (value.isNumber()) {
                double d = value.doubleValue();
                return Double.isFinite(d) ? Optional.of(BigDecimal.valueOf(d)) : Optional.empty();
            }
            return Optional.of(new BigDecimal(value.asText().trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @FunctionalInterface
    private interface Format {
        Optional<Instant> parse(JsonNode value);
    }
}
