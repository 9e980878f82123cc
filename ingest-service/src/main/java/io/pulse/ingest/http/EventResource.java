package io.pulse.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.pulse.common.access.Scopes;
import io.pulse.common.event.FieldError;
import io.pulse.common.http.MediaTypes;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.problem.Problem;
import io.pulse.common.problem.Problems;
import io.pulse.ingest.IngestConfig;
import io.pulse.ingest.idempotency.Fingerprint;
import io.pulse.ingest.idempotency.IdempotencyKey;
import io.pulse.ingest.idempotency.RequestLog;
import io.pulse.ingest.idempotency.StoredReply;
import io.pulse.ingest.intake.BodyReader;
import io.pulse.ingest.intake.ItemCollector;
import io.pulse.ingest.intake.ItemHandler;
import io.pulse.ingest.intake.LimitedInputStream;
import io.pulse.ingest.routing.DeliveryException;
import io.pulse.ingest.routing.EventRouter;
import io.pulse.ingest.validation.EventValidator;
import io.pulse.security.Access;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** {@code POST /v1/events/{type}}: validates every item, routes the good ones and keeps the bad ones. */
@Path("/v1/events")
@Authenticated
public class EventResource {

    @Inject
    Access access;

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

    @Inject
    RequestLog requests;

    @Inject
    CallerRates rates;

    /** Set on an answer repeated from an earlier commit of the same Idempotency-Key. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    @POST
    @Path("/{type}")
    @Blocking
    @Consumes({MediaType.APPLICATION_JSON, MediaTypes.NDJSON})
    @Produces(MediaType.APPLICATION_JSON)
    public Response ingest(@PathParam("type") String typeName, @HeaderParam("Content-Type") MediaType contentType,
                           @HeaderParam("Content-Length") Long contentLength,
                           @Context HttpHeaders headers, InputStream body)
            throws IOException, InterruptedException {
        EventType type = access.eventType(typeName, Scopes::ingest);
        rates.admit(access.caller());
        requireContentType(contentType, MediaType.APPLICATION_JSON + " or " + MediaTypes.NDJSON);
        requireUtf8(contentType);
        if (contentLength != null && contentLength > config.maxBodyBytes()) {
            throw tooLarge();
        }
        InputStream limited = new LimitedInputStream(body, config.maxBodyBytes());
        List<String> idempotencyKey = headers.getRequestHeader(IdempotencyKey.HEADER);
        if (idempotencyKey == null || idempotencyKey.isEmpty()) {
            return write(type, contentType, limited, null, null);
        }
        String key = IdempotencyKey.parse(idempotencyKey);
        if (!requests.awaitLoaded(config.ackTimeout())) {
            throw Problem.of(503, "kafka-unavailable", "Events not stored", "the requests already committed with an "
                    + IdempotencyKey.HEADER + " could not be read from Kafka yet; nothing was stored, resend it")
                    .exception();
        }
        if (!requests.begin(key)) {
            throw Problem.of(409, "idempotency-key-in-flight", "Request with this key in progress", "a request with "
                    + IdempotencyKey.HEADER + " '" + key + "' is being handled right now; retry once it is answered")
                    .with("idempotency_key", key).exception();
        }
        try {
            Fingerprint fingerprint = new Fingerprint(type.name(), limited);
            Optional<StoredReply> earlier = requests.committed(key);
            if (earlier.isPresent()) {
                return replay(key, earlier.get(), fingerprint);
            }
            return write(type, contentType, fingerprint, key, fingerprint);
        } catch (LimitedInputStream.BodyTooLargeException e) {
            throw tooLarge();
        } finally {
            requests.end(key);
        }
    }

    /**
     * Reads the body into one Kafka transaction and commits it, with the reply under the idempotency key if there is
     * one; answers 202 only after the commit. Whatever ends the request first (a 400 or 413, a client gone, Kafka
     * not acknowledging in time) aborts the transaction, so none of the request is stored and a resend counts once.
     */
    private Response write(EventType type, MediaType contentType, InputStream in, String key, Fingerprint fingerprint)
            throws IOException, InterruptedException {
        try (EventRouter.Delivery delivery = router.request(type)) {
            ItemCollector collector = new ItemCollector(type, pipeline.metricsOf(type.name()), validator, delivery,
                    registry, Instant.now(), "POST /v1/events item", config.maxReportedErrors());
            try {
                if (contentType.isCompatible(MediaType.valueOf(MediaTypes.NDJSON))) {
                    BodyReader.readNdjson(in, zeroBased(collector));
                } else {
                    BodyReader.readJson(in, collector);
                }
            } catch (LimitedInputStream.BodyTooLargeException e) {
                throw tooLarge();
            }
            long items = collector.accepted() + collector.rejected();
            rates.charge(access.caller(), items);
            if (items == 0) {
                throw Problem.of(400, "empty-body", "Empty body", "the body holds no events").exception();
            }
            DistributionSummary.builder("pulse.ingest.batch.size").description("Items per request or upload")
                    .tag("type", type.name()).tag("endpoint", "events").register(registry).record(items);
            List<ItemCollector.ItemErrors> errors = collector.errors();
            String reply = Json.writeString(new IngestReport(collector.accepted(), collector.rejected(),
                    collector.backfill(), errors, collector.rejected() > errors.size()));
            StoredReply stored = null;
            if (key != null) {
                stored = new StoredReply(fingerprint.finish(), Response.Status.ACCEPTED.getStatusCode(), reply,
                        Instant.now());
                delivery.reply(key, Json.write(stored));
            }
            delivery.commit(config.ackTimeout());
            if (stored != null) {
                requests.record(key, stored);
            }
            return Response.accepted(reply).type(MediaType.APPLICATION_JSON_TYPE).build();
        } catch (DeliveryException e) {
            throw Problem.of(503, "kafka-unavailable", "Events not stored",
                    e.getMessage() + "; nothing in this request is stored, resend it").exception();
        }
    }

    /** A resend of a committed request: the same answer, nothing written; the same key on another body is a 422. */
    private Response replay(String key, StoredReply earlier, Fingerprint fingerprint) throws IOException {
        if (!fingerprint.finish().equals(earlier.fingerprint())) {
            throw Problem.of(422, "idempotency-key-reused", "Idempotency-Key reused", "the " + IdempotencyKey.HEADER
                    + " '" + key + "' was used at " + earlier.committedAt() + " for a request with another body or"
                    + " event type; send each request with its own key").with("idempotency_key", key).exception();
        }
        return Response.status(earlier.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .header(REPLAYED_HEADER, "true").entity(earlier.body()).build();
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

            @Override
            public void tooLong(long line, String beginning, long bytes, String sha256, List<FieldError> errors) {
                handler.tooLong(line - 1, beginning, bytes, sha256, errors);
            }
        };
    }
}
