package io.pulse.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.pulse.common.event.DeadLetter;
import io.pulse.common.event.FieldError;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.problem.Problem;
import io.pulse.ingest.IngestConfig;
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
import java.util.ArrayList;
import java.util.List;

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
    @Consumes({MediaType.APPLICATION_JSON, BodyReader.NDJSON})
    @Produces(MediaType.APPLICATION_JSON)
    public Response ingest(@PathParam("type") String typeName, @HeaderParam("Content-Type") MediaType contentType,
                           @HeaderParam("Content-Length") Long contentLength, InputStream body)
            throws IOException, InterruptedException {
        EventType type = pipeline.eventType(typeName).orElseThrow(() -> Problem.of(404, "unknown-event-type",
                "Unknown event type", "no event type '" + typeName + "' in the pipeline")
                .with("known", pipeline.eventTypes().keySet()).exception());
        if (contentLength != null && contentLength > config.maxBodyBytes()) {
            throw tooLarge();
        }
        Instant received = Instant.now();
        EventRouter.Delivery delivery = router.delivery();
        Collector collector = new Collector(type, delivery, received);
        InputStream limited = new LimitedInputStream(body, config.maxBodyBytes());
        try {
            if (contentType.isCompatible(MediaType.valueOf(BodyReader.NDJSON))) {
                BodyReader.readNdjson(limited, collector);
            } else {
                BodyReader.readJson(limited, collector);
            }
        } catch (LimitedInputStream.BodyTooLargeException e) {
            throw tooLarge();
        }
        if (collector.accepted + collector.rejected == 0) {
            throw Problem.of(400, "empty-body", "Empty body", "the body holds no events").exception();
        }
        try {
            delivery.await(config.ackTimeout());
        } catch (DeliveryException e) {
            throw Problem.of(503, "kafka-unavailable", "Events not stored",
                    e.getMessage() + "; nothing in this request is confirmed, resend it").exception();
        }
        count(type, "accepted", collector.accepted);
        count(type, "rejected", collector.rejected);
        return Response.accepted(new IngestReport(collector.accepted, collector.rejected, collector.errors,
                collector.rejected > collector.errors.size())).build();
    }

    private void count(EventType type, String outcome, long n) {
        if (n > 0) {
            registry.counter("pulse.ingest.events", "type", type.name(), "outcome", outcome).increment(n);
        }
    }

    private RuntimeException tooLarge() {
        return Problem.of(413, "body-too-large", "Body too large", "the body is larger than "
                + config.maxBodyBytes() + " bytes; split it, or use POST /v1/uploads for files")
                .with("limit_bytes", config.maxBodyBytes()).exception();
    }

    /** Validates each item as it is read and hands it to Kafka at once. */
    private final class Collector implements ItemHandler {

        private final EventType type;
        private final EventRouter.Delivery delivery;
        private final Instant received;
        private final List<IngestReport.ItemErrors> errors = new ArrayList<>();
        private long accepted;
        private long rejected;

        Collector(EventType type, EventRouter.Delivery delivery, Instant received) {
            this.type = type;
            this.delivery = delivery;
            this.received = received;
        }

        @Override
        public void item(long index, String raw, JsonNode item) {
            EventValidator.Outcome outcome = validator.validate(type, item);
            if (outcome.isAccepted()) {
                delivery.event(type, outcome.event());
                accepted++;
            } else {
                malformed(index, raw, outcome.errors());
            }
        }

        @Override
        public void malformed(long index, String raw, List<FieldError> reasons) {
            delivery.deadLetter(new DeadLetter(type.name(), raw, reasons, received, "POST /v1/events item " + index));
            rejected++;
            if (errors.size() < config.maxReportedErrors()) {
                errors.add(new IngestReport.ItemErrors(index, reasons));
            }
        }
    }
}
