package io.pulse.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.pulse.common.event.FieldError;
import io.pulse.common.http.MediaTypes;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.problem.Problem;
import io.pulse.common.problem.Problems;
import io.pulse.ingest.IngestConfig;
import io.pulse.ingest.intake.BodyReader;
import io.pulse.ingest.intake.ItemCollector;
import io.pulse.ingest.intake.ItemHandler;
import io.pulse.ingest.intake.LimitedInputStream;
import io.pulse.ingest.routing.DeliveryException;
import io.pulse.ingest.routing.EventRouter;
import io.pulse.ingest.validation.EventValidator;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/** {@code POST /v1/events/{type}}: validates every item, routes the good ones and keeps the bad ones. */
@Path("/v1/events")
public class EventResource {

    @Inject
    Pipeline pipeline;

    @Inject
    EventValidator validator;

    @Inject
    EventRouter router;

    @Inject
    IngestConfig config;

    @Inject
    MeterRegistry registry;

    @POST
    @Path("/{type}")
    @Blocking
    @Consumes({MediaType.APPLICATION_JSON, MediaTypes.NDJSON})
    @Produces(MediaType.APPLICATION_JSON)
    public Response ingest(@PathParam("type") String typeName, @HeaderParam("Content-Type") MediaType contentType,
                           @HeaderParam("Content-Length") Long contentLength, InputStream body)
            throws IOException, InterruptedException {
        EventType type = pipeline.eventType(typeName).orElseThrow(() -> Problems.unknownEventType(pipeline, typeName).exception());
        requireContentType(contentType, MediaType.APPLICATION_JSON + " or " + MediaTypes.NDJSON);
        requireUtf8(contentType);
        if (contentLength != null && contentLength > config.maxBodyBytes()) {
            throw tooLarge();
        }
        ItemCollector collector = new ItemCollector(type, pipeline.metricsOf(type.name()), validator, router, registry,
                Instant.now(),
                "POST /v1/events item", config.maxReportedErrors());
        InputStream limited = new LimitedInputStream(body, config.maxBodyBytes());
        try {
            if (contentType.isCompatible(MediaType.valueOf(MediaTypes.NDJSON))) {
                BodyReader.readNdjson(limited, zeroBased(collector));
            } else {
                BodyReader.readJson(limited, collector);
            }
        } catch (LimitedInputStream.BodyTooLargeException e) {
            throw tooLarge();
        }
        long items = collector.accepted() + collector.rejected();
        if (items == 0) {
            throw Problem.of(400, "empty-body", "Empty body", "the body holds no events").exception();
        }
        DistributionSummary.builder("pulse.ingest.batch.size").description("Items per request or upload")
                .tag("type", type.name()).tag("endpoint", "events").register(registry).record(items);
        try {
            collector.delivery().await(config.ackTimeout());
        } catch (DeliveryException e) {
            throw Problem.of(503, "kafka-unavailable", "Events not stored",
                    e.getMessage() + "; nothing in this request is confirmed, resend it").exception();
        }
        List<ItemCollector.ItemErrors> errors = collector.errors();
        return Response.accepted(new IngestReport(collector.accepted(), collector.rejected(), collector.backfill(),
                errors, collector.rejected() > errors.size())).build();
    }

    /** Without a Content-Type the body could be read as anything; the client is told what to declare. */
    public static void requireContentType(MediaType contentType, String accepted) {
        if (contentType == null) {
            throw Problem.of(415, "unsupported-media-type", "Unsupported Media Type",
                    "the request has no Content-Type; send it as " + accepted).exception();
        }
    }

    /** JSON and NDJSON are UTF-8 (RFC 8259); a body declared in another charset would be misread, so it is refused. */
    public static void requireUtf8(MediaType contentType) {
        String charset = contentType.getParameters().get("charset");
        if (charset != null && !charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
            throw Problem.of(415, "unsupported-charset", "Unsupported charset", "the body is declared as charset="
                    + charset + "; send it as UTF-8").with("charset", charset).exception();
        }
    }

    private RuntimeException tooLarge() {
        return Problems.tooLarge("body", config.maxBodyBytes(), "the body is larger than " + config.maxBodyBytes()
                + " bytes; split it, or use POST /v1/uploads for files").exception();
    }

    /** NDJSON items of a request are indexed like array items, from 0: line number − 1. */
    private static ItemHandler zeroBased(ItemHandler handler) {
        return new ItemHandler() {
            @Override
            public void item(long line, Supplier<String> raw, JsonNode item) {
                handler.item(line - 1, raw, item);
            }

            @Override
            public void malformed(long line, String raw, List<FieldError> errors) {
                handler.malformed(line - 1, raw, errors);
            }
        };
    }
}
