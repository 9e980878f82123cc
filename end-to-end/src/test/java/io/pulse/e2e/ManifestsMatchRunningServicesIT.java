package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.services.Service;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kubernetes manifests and monitoring files against the packaged services running: every metric the alert rules
 * and the Grafana dashboard read is exported on /q/metrics (by the service their selector names), and every probe
 * path of the manifests answers, both on the services' management interface.
 */
class ManifestsMatchRunningServicesIT {

    private static final Path K8S = TestStacks.HOME.resolve("k8s");
    /** Series that Prometheus itself (up) and kube-state-metrics export, not a Pulse service. */
    private static final Set<String> OUTSIDE_PULSE = Set.of("up", "kube_pod_status_ready");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final RunningStack platform = new RunningStack(PipelineLoader.BUNDLED, 2);

    @Test
    void everyMetricTheAlertsAndTheDashboardReadIsExported() throws IOException {
        List<PromQl.Reference> referenced = new ArrayList<>();
        for (JsonNode group : YAML.readTree(K8S.resolve("monitoring/prometheus-rules.yaml").toFile())
                .path("spec").path("groups")) {
            group.path("rules").forEach(rule -> referenced.addAll(PromQl.metrics(rule.path("expr").asText())));
        }
        JsonNode dashboard = new ObjectMapper().readTree(K8S.resolve("monitoring/pulse-dashboard.json").toFile());
        dashboard.path("panels").forEach(panel -> panel.path("targets")
                .forEach(target -> referenced.addAll(PromQl.metrics(target.path("expr").asText()))));
        dashboard.path("templating").path("list").forEach(variable -> {
            String query = variable.path("query").asText();
            if (query.startsWith("label_values(")) {
                referenced.add(new PromQl.Reference(query.substring(13, query.indexOf(',')).trim(), null));
            }
        });
        assertThat(referenced).hasSizeGreaterThan(10);

        // Traffic that creates every series: accepted and rejected events, queries, aggregation of the events.
        platform.client().sendNdjson("translation_delivered", TestStacks.HOME.resolve("samples/translations.ndjson"));
        platform.client().sendJson("translation_delivered", "[{\"timestamp\": \"2018-12-26 18:30:00\", \"client_name\": \"a\","
                + " \"translation_id\": \"bad\", \"duration\": \"slow\"}]");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                platform.client().query("/v1/metrics/delivery_time/series?agg=count").path("series").size()).isPositive());

        // Kafka Streams' task metrics reach Micrometer on its next scan for new metrics, within a minute.
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(5)).untilAsserted(() -> {
            Map<Service, Set<String>> exported = new EnumMap<>(Service.class);
            for (Service service : Service.values()) {
                exported.put(service, metricNames(get(platform.stack().managementUrl(service) + "/q/metrics").body()));
            }
            Set<String> missing = new TreeSet<>();
            for (PromQl.Reference ref : referenced) {
                if (OUTSIDE_PULSE.contains(ref.metric())) {
                    continue;
                }
                Set<String> candidates = new HashSet<>();
                exported.forEach((service, names) -> {
                    if (ref.job() == null || ref.job().equals(service.module())) {
                        candidates.addAll(names);
                    }
                });
                if (!candidates.contains(ref.metric())) {
                    missing.add(ref.metric() + (ref.job() == null ? "" : " (job " + ref.job() + ")"));
                }
            }
            assertThat(missing).as("metrics named in k8s/monitoring that no running service exports").isEmpty();
        });
    }

    @Test
    void everyProbePathOfTheManifestsAnswers() throws IOException {
        for (Service service : Service.values()) {
            JsonNode container = null;
            List<JsonNode> objects = YAML.readerFor(JsonNode.class)
                    .<JsonNode>readValues(K8S.resolve("base").resolve(service.module() + ".yaml").toFile()).readAll();
            for (JsonNode object : objects) {
                if (object.path("spec").path("template").has("spec")) {
                    container = object.path("spec").path("template").path("spec").path("containers").path(0);
                }
            }
            assertThat(container).as("workload of %s", service.module()).isNotNull();
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                String path = container.path(probe).path("httpGet").path("path").asText();
                assertThat(get(platform.stack().managementUrl(service) + path).statusCode()).as("%s %s %s", service.module(), probe, path)
                        .isEqualTo(200);
            }
        }
    }

    private static Set<String> metricNames(String exposition) {
        Set<String> names = new HashSet<>();
        exposition.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        return names;
    }

    private static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(TestStacks.request(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
