package io.pulse.security;

import io.pulse.common.access.Scopes;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.problem.Problem;
import io.pulse.common.problem.Problems;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the caller of this request may do. A name is checked against the caller's scopes before it is looked up,
 * so a caller learns nothing of the names it may not use: not whether they exist, and not in the lists a 404 gives.
 */
@RequestScoped
public class Access {

    private final SecurityIdentity identity;
    private final Pipeline pipeline;

    public Access(SecurityIdentity identity, Pipeline pipeline) {
        this.identity = identity;
        this.pipeline = pipeline;
    }

    /** Who calls: the API key's name or the JWT's subject, for per-caller limits. */
    public String caller() {
        return identity.getPrincipal().getName();
    }

    public boolean allows(String scope) {
        return Scopes.grants(identity.getRoles(), scope);
    }

    /** Ends the request with 403 naming {@code scope} unless the caller holds it. */
    public void require(String scope) {
        if (!allows(scope)) {
            throw Problem.of(403, "forbidden", "Forbidden", "this credential does not hold the scope '" + scope + "'")
                    .with("scope", scope).exception();
        }
    }

    /** The event type {@code name}, if the caller holds {@code scopeOf.apply(name)} (an ingest or upload scope). */
    public EventType eventType(String name, UnaryOperator<String> scopeOf) {
        require(scopeOf.apply(name));
        return pipeline.eventType(name).orElseThrow(() -> Problems.unknownEventType(name,
                pipeline.eventTypes().keySet().stream().filter(t -> allows(scopeOf.apply(t))).toList()).exception());
    }

    /**
     * The event type {@code name}, if the caller holds at least one of the scopes {@code scopesOf} give for it: for a
     * read open to everyone who may send the type one way or another. Without any, the 403 names the first in
     * {@code scope} and all of them in {@code any_of}; an unknown name lists the types the caller holds one of for.
     */
    public EventType eventTypeForAny(String name, List<UnaryOperator<String>> scopesOf) {
        List<String> needed = scopesOf.stream().map(s -> s.apply(name)).toList();
        if (needed.stream().noneMatch(this::allows)) {
            throw Problem.of(403, "forbidden", "Forbidden", "this credential holds none of the scopes '"
                    + String.join("', '", needed) + "'").with("scope", needed.get(0)).with("any_of", needed)
                    .exception();
        }
        return pipeline.eventType(name).orElseThrow(() -> Problems.unknownEventType(name,
                pipeline.eventTypes().keySet().stream()
                        .filter(t -> scopesOf.stream().anyMatch(s -> allows(s.apply(t)))).toList()).exception());
    }

    /** The metric {@code name}, if the caller may read it. */
    public Metric metric(String name) {
        require(Scopes.query(name));
        return pipeline.metric(name).orElseThrow(() -> Problems.unknownMetric(name, readableMetrics()).exception());
    }

    /** The names of the metrics the caller may read, in pipeline order. */
    public List<String> readableMetrics() {
        return pipeline.metrics().keySet().stream().filter(m -> allows(Scopes.query(m))).toList();
    }
}
