package io.pulse.query.console;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pulse.query.QueryConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * What the web console (static files on {@code /}) needs to know before the user gives a key: where the ingest
 * service is. It names no metric, type or data, so it answers without a credential; it is the console's own and
 * not part of the API, so OpenAPI, which declares a credential on every operation, leaves it out.
 */
@Path("/console/config")
@Produces(MediaType.APPLICATION_JSON)
public class ConsoleResource {

    /** @param ingestUrl where browsers reach the ingest service */
    public record ConsoleConfig(@JsonProperty("ingest_url") String ingestUrl) {
    }

    @Inject
    QueryConfig config;

    @GET
    @Operation(hidden = true)
    public ConsoleConfig config() {
        return new ConsoleConfig(config.console().ingestUrl());
    }
}
