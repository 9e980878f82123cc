package io.pulse.stack.services;

/** The three Pulse services, each a packaged Quarkus application in its module. */
public enum Service {
    INGEST("ingest", "ingest-service"),
    AGGREGATION("aggregation", "aggregation-service"),
    QUERY("query", "query-service");

    private final String label;
    private final String module;

    Service(String label, String module) {
        this.label = label;
        this.module = module;
    }

    /** The short name used as log prefix and in flags. */
    public String label() {
        return label;
    }

    /** The Maven module that builds it. */
    public String module() {
        return module;
    }
}
