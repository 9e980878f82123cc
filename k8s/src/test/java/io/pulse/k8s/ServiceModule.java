package io.pulse.k8s;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Pulse service exposes and reads, from its own sources: module name, HTTP (API) port, management port,
 * configuration keys.
 */
record ServiceModule(String name, int httpPort, int managementPort, Set<String> environmentVariables, Path dir) {

    static final List<String> NAMES = List.of("ingest-service", "aggregation-service", "query-service");
    /** Quarkus' default {@code quarkus.management.port}: the management interface serves /q/health and /q/metrics. */
    static final int DEFAULT_MANAGEMENT_PORT = 9000;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+):");

    static ServiceModule read(String name) {
        Path dir = Overlay.HOME.resolve(name);
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name + "'s application.properties", e);
        }
        Set<String> variables = new HashSet<>();
        for (String key : properties.stringPropertyNames()) {
            // MicroProfile Config: an environment variable sets a key once non-alphanumerics become '_' and it is
            // upper-cased; %profile. prefixes name the same key.
            variables.add(key.replaceFirst("^%[a-z]+\\.", "").replaceAll("[^A-Za-z0-9]", "_").toUpperCase());
            Matcher placeholder = PLACEHOLDER.matcher(properties.getProperty(key));
            while (placeholder.find()) {
                variables.add(placeholder.group(1));
            }
        }
        int port = Integer.parseInt(properties.getProperty("quarkus.http.port"));
        int management = Integer.parseInt(properties.getProperty("%prod.quarkus.management.port",
                properties.getProperty("quarkus.management.port", String.valueOf(DEFAULT_MANAGEMENT_PORT))));
        return new ServiceModule(name, port, management, Set.copyOf(variables), dir);
    }

    /** A setting as the packaged service runs it (the prod profile's value, else the plain key's), if set. */
    Optional<String> property(String key) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name + "'s application.properties", e);
        }
        return Optional.ofNullable(properties.getProperty("%prod." + key, properties.getProperty(key)));
    }

    /** Every setting as the packaged service runs it: plain keys, overridden by the prod profile's. */
    Map<String, String> properties() {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name + "'s application.properties", e);
        }
        Map<String, String> settings = new TreeMap<>();
        properties.stringPropertyNames().stream().filter(k -> !k.startsWith("%"))
                .forEach(k -> settings.put(k, properties.getProperty(k)));
        properties.stringPropertyNames().stream().filter(k -> k.startsWith("%prod."))
                .forEach(k -> settings.put(k.substring("%prod.".length()), properties.getProperty(k)));
        return settings;
    }

    String image() {
        return "pulse/" + name;
    }

    String pom() {
        try {
            return Files.readString(dir.resolve("pom.xml"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name + "'s pom.xml", e);
        }
    }
}
