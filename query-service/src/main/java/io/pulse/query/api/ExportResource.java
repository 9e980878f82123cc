package io.pulse.query.api;

import io.pulse.common.http.MediaTypes;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.query.QueryConfig;
import io.pulse.query.series.SeriesRequest;
import io.pulse.query.store.BucketExport;
import io.pulse.query.store.BucketReader;
import io.pulse.query.time.CalendarStep;
import io.pulse.query.time.Step;
import io.pulse.query.time.Zoning;
import io.pulse.security.Access;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.logging.Logger;

/**
 * Exports of any size: every group and step of a metric as one file, streamed from a database cursor as the client
 * reads it, without the point limit of interactive questions. At most a few run at once ({@link ExportSlots}).
 */
@Path("/v1/metrics/{metric}/export")
@Blocking
@Authenticated
public class ExportResource {

    private static final Logger LOG = Logger.getLogger(ExportResource.class);
    private static final int BUFFER = 1 << 16;
    private static final Pattern REFUSED = Pattern.compile("\\s*q\\s*=\\s*0(\\.0*)?\\s*");

    @Inject
    Access access;

    @Inject
    Pipeline pipeline;

    @Inject
    BucketReader buckets;

    @Inject
    BucketExport export;

    @Inject
    ExportSlots slots;

    @Inject
    QueryConfig config;

    @GET
    @Produces({MediaTypes.CSV, MediaTypes.NDJSON})
    @Operation(summary = "Every group and step as one file", description = "One row per group and step that holds "
            + "events (fill=zero|null: every step), ordered by group then time: the group fields, the date (steps of "
            + "whole days, weeks, months; in a zone the local date) or time (in a zone with its offset), the value. CSV "
            + "with a header, or NDJSON; gzip when accepted. Streamed, no point limit.")
    public Response export(
            @Parameter(example = "plays") @PathParam("metric") String metricName,
            @Parameter(description = "first step, inclusive: ISO-8601 (zone-less in tz, else UTC), or relative: now-24h, -7d, now/d", example = "2019-01-20") @QueryParam("from") String from,
            @Parameter(description = "end, exclusive; also now", example = "2019-01-23") @QueryParam("to") String to,
            @Parameter(description = "a multiple of the granularity, or of the calendar: 1w, 1mo, 1q, 1y", example = "1d") @QueryParam("step") String stepText,
            @Parameter(description = "count, sum, avg, min, max, distinct or pNN", example = "sum") @QueryParam("agg") String aggText,
            @Parameter(description = "group fields kept apart, comma-separated", example = "Song") @QueryParam("group_by") String groupByText,
            @Parameter(description = "field:value or field:a|b, repeatable; on a geohash-cell field also field:bbox(minLon,minLat,maxLon,maxLat)") @QueryParam("where") List<String> where,
            @Parameter(description = "steps without events: left out by default; zero or null writes them", example = "zero") @QueryParam("fill") String fillText,
            @Parameter(description = "the column names, comma-separated, one per column", example = "Song,Date,Total Number of Plays for Date") @QueryParam("columns") String columnsText,
            @Parameter(description = "time zone of the days, weeks and months, and of the dates and times written", example = "Europe/Lisbon") @QueryParam("tz") String tz,
            @Parameter(description = "first day of a week step", example = "monday") @QueryParam("week_start") String weekStart,
            @HeaderParam(HttpHeaders.ACCEPT_ENCODING) String acceptEncoding,
            @Context HttpHeaders headers, @Context HttpServerResponse connection) {
        Metric metric = access.metric(metricName);
        Aggregation agg = QueryParameters.agg(metric, aggText);
        Zoning zoning = TimeParameters.zoning(metric, tz, weekStart);
        Step step = TimeParameters.step(metric, zoning, "step", stepText);
        List<String> groupBy = QueryParameters.groupBy(metric, groupByText, "group_by");
        WhereFilter filter = WhereFilter.parse(pipeline, metric, where, config);
        ExportWriter.Fill fill = fill(fillText);
        Optional<Instant[]> range = QueryRange.of(buckets, metric, zoning, Instant.now(), from, to, step, false);
        SeriesRequest request = range.map(r -> SeriesRequest.export(metric, agg, step, r[0], r[1],
                zoning.writtenZone(), groupBy, filter.accepted())).orElse(null);
        if (request != null) {
            requireBucketBoundaries(metric, zoning, request);
        }
        boolean dates = ExportWriter.writesDates(step, request == null ? null : request.from());
        ExportColumns columns = ExportColumns.of(metric, agg, groupBy, dates, columnsText);
        ExportFormat format = ExportFormat.of(headers.getAcceptableMediaTypes());
        boolean gzip = acceptsGzip(acceptEncoding);
        if (request != null) {
            slots.acquire();
        }
        StreamingOutput body = output -> {
            try {
                write(request, format, fill, columns, dates, gzip, new UntilClosed(output, connection));
            } finally {
                if (request != null) {
                    slots.release();
                }
            }
        };
        Response.ResponseBuilder answer = Response.ok(body, format.mediaType)
                .header("Content-Disposition", "attachment; filename=\"" + metric.name() + "." + format.extension + "\"")
                .header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        return (gzip ? answer.header(HttpHeaders.CONTENT_ENCODING, "gzip") : answer).build();
    }

    /**
     * A 400 unless every boundary of the export's steps is a bucket boundary, so that no step counts part of a
     * bucket; checked before the first row, after which a problem can no longer be answered. A fixed step (in UTC)
     * needs no check: it starts at a bucket start ({@link QueryRange} moves {@code from} there) and is a multiple of
     * the granularity. A calendar step's boundaries are local midnights, and for a step of the clock a midnight plus
     * multiples of the step, which are bucket boundaries when the midnight is (the step is a multiple of the
     * epoch-aligned granularity; a zoned metric's whole days admit no step of the clock): every step's start, or for
     * the clock every local midnight, is checked, one at a time without keeping them. An export has no point limit,
     * but calendar steps over any realistic range are at most some tens of thousands, one check each.
     */
    private static void requireBucketBoundaries(Metric metric, Zoning zoning, SeriesRequest request) {
        if (request.step() instanceof CalendarStep calendar) {
            calendar.allBoundaries(request.from(), request.to(), t -> {
                QueryTimeline.requireBucketBoundary(metric, zoning, t);
                return true;
            });
        }
    }

    private void write(SeriesRequest request, ExportFormat format, ExportWriter.Fill fill, ExportColumns columns,
                       boolean dates, boolean gzip, OutputStream output) throws IOException {
        long started = System.nanoTime();
        GZIPOutputStream zipped = gzip ? new GZIPOutputStream(output, BUFFER) : null;
        Writer out = new BufferedWriter(new OutputStreamWriter(zipped != null ? zipped : output, StandardCharsets.UTF_8),
                BUFFER);
        ExportWriter rows = new ExportWriter(request, format, fill, columns, dates, out);
        try {
            rows.header();
            if (request != null) {
                export.stream(request, rows);
                rows.finish();
            }
            out.flush();
            if (zipped != null) {
                zipped.finish();
            }
        } catch (IOException e) {
            // the client went away: the cursor and its connection are already closed, nothing is left to answer
            LOG.infof("export of %s ended by the client after %d rows: %s", columns.names(), rows.rows(), e.getMessage());
            return;
        }
        LOG.infof("exported %d rows (%s) in %d ms", rows.rows(), columns.names(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /**
     * The response body, refusing writes once the client has closed the connection: otherwise rows written while
     * nothing waits for the network to drain vanish without an error, and the export holds its slot to the end.
     */
    private static final class UntilClosed extends FilterOutputStream {

        private final HttpServerResponse connection;

        UntilClosed(OutputStream out, HttpServerResponse connection) {
            super(out);
            this.connection = connection;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (connection.closed()) {
                throw new IOException("the client closed the connection");
            }
            out.write(b, off, len);
        }
    }

    private static ExportWriter.Fill fill(String text) {
        if (text == null || text.isBlank()) {
            return ExportWriter.Fill.NONE;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "zero" -> ExportWriter.Fill.ZERO;
            case "null" -> ExportWriter.Fill.NULL;
            default -> throw QueryParameters.invalid("fill", "'" + text + "' is not a fill", List.of("zero", "null"));
        };
    }

    /** Whether {@code Accept-Encoding} lists gzip without refusing it by {@code q=0}. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] pieces = part.trim().split(";");
            String coding = pieces[0].trim().toLowerCase(Locale.ROOT);
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                for (int i = 1; i < pieces.length; i++) {
                    if (REFUSED.matcher(pieces[i]).matches()) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }
}
