package io.pulse.ingest.upload;

import io.pulse.common.access.Scopes;
import io.pulse.common.http.MediaTypes;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.problem.Problem;
import io.pulse.ingest.http.EventResource;
import io.pulse.security.Access;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * {@code /v1/uploads}: files of any size, answered with an id as soon as they are on disk, then read into Kafka in
 * the background; progress by {@code GET} or pushed as server-sent events, from any replica. The same file sent
 * again as the same type is answered with the earlier upload, unless {@code repeat=true} asks to count it again.
 */
@Path("/v1/uploads")
@Authenticated
public class UploadResource {

    static final String CSV_FORMAT = "csv";
    static final String NDJSON_FORMAT = "ndjson";

    @Inject
    Access access;

    @Inject
    Uploads uploads;

    @Inject
    UploadConfig config;

    @POST
    @Path("/{type}")
    @Blocking
    @Consumes({MediaTypes.CSV, MediaTypes.NDJSON})
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(@PathParam("type") String typeName, @HeaderParam("Content-Type") MediaType contentType,
                           @HeaderParam("Content-Length") Long contentLength,
                           @QueryParam("repeat") @DefaultValue("false") boolean repeat, InputStream body)
            throws IOException {
        EventType type = access.eventType(typeName, Scopes::upload);
        EventResource.requireContentType(contentType, MediaTypes.CSV + " or " + MediaTypes.NDJSON);
        if (contentLength != null && contentLength > config.maxBytes()) {
            throw Uploads.tooLarge(config.maxBytes()).exception();
        }
        Uploads.Received received;
        if (contentType.isCompatible(MediaType.valueOf(MediaTypes.NDJSON))) {
            EventResource.requireUtf8(contentType);
            received = uploads.receive(type, NDJSON_FORMAT, StandardCharsets.UTF_8, body, contentLength, repeat);
        } else {
            received = uploads.receive(type, CSV_FORMAT, charset(contentType), body, contentLength, repeat);
        }
        String id = received.status().uploadId();
        if (received.repeat()) {
            // The earlier upload answers for this one: its id, where to follow it, and how it stands now.
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("upload_id", id);
            answer.put("duplicate", true);
            answer.put("status", received.status());
            return Response.ok(answer).header("Location", "/v1/uploads/" + id).build();
        }
        return Response.accepted(Map.of("upload_id", id)).header("Location", "/v1/uploads/" + id).build();
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public UploadStatus status(@PathParam("id") String id) {
        return visible(id);
    }

    /**
     * Pushes the status each time it changes, every progress interval at most, and ends with the final one; any
     * replica follows it from {@code uploads.status}.
     */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<UploadStatus> events(@PathParam("id") String id) {
        UploadStatus first = visible(id);
        if (first.state().isFinal()) {
            return Multi.createFrom().item(first);
        }
        return Multi.createFrom().emitter(emitter -> {
            emitter.emit(first);
            AtomicReference<UploadStatus> last = new AtomicReference<>(first);
            Cancellable ticking = Multi.createFrom().ticks().every(config.progressInterval()).onOverflow().drop()
                    .subscribe().with(tick -> {
                        UploadStatus now = uploads.status(id).orElseThrow();
                        if (!now.equals(last.getAndSet(now))) {
                            emitter.emit(now);
                        }
                        if (now.state().isFinal()) {
                            emitter.complete();
                        }
                    }, emitter::fail);
            emitter.onTermination(ticking::cancel);
        });
    }

    /** The upload's status, if the caller may upload its type: to anyone else it is unknown. */
    private UploadStatus visible(String id) {
        return uploads.status(id).filter(status -> access.allows(Scopes.upload(status.type())))
                .orElseThrow(() -> unknown(id).exception());
    }

    private static Problem unknown(String id) {
        return Problem.of(404, "unknown-upload", "Unknown upload", "no upload '" + id + "' was ever received by this "
                + "service");
    }

    /** CSV exports come in many charsets; the declared one is used, UTF-8 when none is. */
    private static Charset charset(MediaType contentType) {
        String name = contentType.getParameters().get("charset");
        if (name == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw Problem.of(415, "unsupported-charset", "Unsupported charset", "charset=" + name
                    + " is not known to this service; send the file as UTF-8").with("charset", name).exception();
        }
    }
}
