package io.pulse.query.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console's files as a browser fetches them: the page, every script, module and style it names (the charting
 * webjar's versioned path included, so a version change in the pom that the page does not follow fails here), all
 * without a credential, while the API behind them still asks for one.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class ConsoleFilesTest {

    private static final Pattern PAGE_REFERENCE = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"");
    private static final Pattern MODULE_IMPORT = Pattern.compile("from '\\./([^']+)'");

    @Test
    void thePageAndEveryFileItNamesAreServedWithoutACredential() {
        String page = given().noFilters().when().get("/").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/html")).extract().asString();
        assertThat(page).contains("<title>Pulse console</title>");

        List<String> named = new ArrayList<>();
        Matcher m = PAGE_REFERENCE.matcher(page);
        while (m.find()) {
            named.add(m.group(1));
        }
        assertThat(named).contains("/console/main.js", "/console/console.css")
                .anyMatch(path -> path.startsWith("/webjars/uplot/") && path.endsWith("/uPlot.iife.min.js"));

        // the page's own modules import each other: every one reached from main.js is served
        Deque<String> modules = new ArrayDeque<>(List.of("main.js"));
        Set<String> seen = new HashSet<>();
        while (!modules.isEmpty()) {
            String module = modules.pop();
            if (!seen.add(module)) {
                continue;
            }
            String text = given().noFilters().when().get("/console/" + module).then().statusCode(200).extract().asString();
            Matcher imports = MODULE_IMPORT.matcher(text);
            while (imports.find()) {
                modules.push(imports.group(1));
            }
        }
        assertThat(seen).contains("api.js", "metrics.js", "chart.js", "question.js", "uploads.js", "dead-letters.js");

        for (String path : named) {
            given().noFilters().when().get(path).then().statusCode(200);
        }
        given().noFilters().when().get("/v1/metrics").then().statusCode(401);
    }

    @Test
    void theConfigurationNamesTheIngestServiceWithoutACredential() {
        // the documented default: the local stack's ingest port
        given().noFilters().when().get("/console/config").then().statusCode(200)
                .body("ingest_url", equalTo("http://127.0.0.1:8081"));
    }
}
