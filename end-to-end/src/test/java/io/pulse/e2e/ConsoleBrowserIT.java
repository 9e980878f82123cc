package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.services.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web console in a real browser (headless chromium) against the whole platform: the worked example charted
 * and live, top groups as bars, an upload followed to 100 % and its dead letter read back. The screenshots in
 * docs/console.md are taken here: {@code -Dconsole.screenshots=docs/images} writes them there, otherwise to target.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    private static final Path HOME = TestStacks.HOME;
    private static final String WORKED_EXAMPLE = "/?metric=delivery_time&view=moving&agg=avg&window=10m&step=1m"
            + "&from=2018-12-26T18:11:00Z&to=2018-12-26T18:25:00Z&live=1";

    @RegisterExtension
    static final RunningStack platform = new RunningStack(PipelineLoader.BUNDLED, 2);

    private static ChromeDriver browser;
    private static Path screenshots;

    @BeforeAll
    static void openBrowser() throws IOException {
        Path chromium = Path.of(System.getProperty("console.chromium", "/usr/bin/chromium"));
        Path driver = Path.of(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));
        assertThat(chromium).as("the browser test needs chromium: apt-get install chromium chromium-driver").exists();
        assertThat(driver).as("the browser test needs chromedriver: apt-get install chromium-driver").exists();
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--force-device-scale-factor=1");
        // the driver given, so that Selenium never looks for one to download
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).build(),
                options);
        browser.manage().window().setSize(new Dimension(1400, 900));
        screenshots = Path.of(System.getProperty("console.screenshots", "target/console-screenshots"));
        Files.createDirectories(screenshots);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static String query() {
        return platform.stack().url(Service.QUERY);
    }

    private static Object script(String js, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(js, args);
    }

    /** The values the chart plots for its first line, as uPlot holds them. */
    @SuppressWarnings("unchecked")
    private static List<Double> plotted() {
        List<Object> values = (List<Object>) script(
                "const p = window.pulseConsole && window.pulseConsole.plot; return p ? Array.from(p.data[1]) : null;");
        if (values == null) {
            return null;
        }
        List<Double> numbers = new ArrayList<>();
        values.forEach(v -> numbers.add(v == null ? null : ((Number) v).doubleValue()));
        return numbers;
    }

    private static List<List<String>> tableRows(String tableId) {
        return browser.findElements(By.cssSelector("#" + tableId + " tbody tr")).stream()
                .map(row -> row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList()).toList();
    }

    private static void screenshot(String name) throws IOException {
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), screenshots.resolve(name),
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    @Order(1)
    void theWorkedExampleIsChartedTabledAndLive() throws IOException {
        platform.client().sendNdjson("translation_delivered", HOME.resolve("samples/translations.ndjson"));
        await().atMost(Duration.ofSeconds(90)).until(() -> platform.client()
                .query("/v1/metrics/delivery_time/series?agg=count&step=1h&from=2018-12-26T18:00:00Z&to=2018-12-26T19:00:00Z")
                .path("series").path(0).path("points").path(0).path("count").asInt() == 3);

        // as ./pulse demo prints it: the key in the fragment, kept by the page and taken out of its address
        browser.get(query() + WORKED_EXAMPLE + "#key=" + TestStacks.API_KEY);

        // From the README: 18:11 no data; 18:12–18:15 20; 18:16–18:21 25.5; 18:22–18:23 31; 18:24 42.5.
        List<Double> expected = new ArrayList<>();
        expected.add(null);
        expected.addAll(Arrays.asList(20.0, 20.0, 20.0, 20.0, 25.5, 25.5, 25.5, 25.5, 25.5, 25.5, 31.0, 31.0, 42.5));
        await().atMost(Duration.ofSeconds(30)).until(() -> expected.equals(plotted()));
        List<List<String>> rows = tableRows("rows");
        assertThat(rows).hasSize(14);
        assertThat(rows.get(0)).startsWith("2018-12-26T18:11:00Z", "", "0");
        assertThat(rows.get(13)).startsWith("2018-12-26T18:24:00Z", "42.5", "2");
        assertThat(browser.getCurrentUrl()).as("the question stays in the address, the key does not")
                .contains("metric=delivery_time", "view=moving", "window=10m").doesNotContain("key=", "pulse_");
        assertThat(browser.findElement(By.cssSelector("#metric-detail dd.events-aggregated")).getText()).isEqualTo("3");
        screenshot("console-moving-average.png");

        // live: a delivery of 18:23:40 taking 60 s moves the last point to (31 + 54 + 60) / 3, with no click
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("live-state")).getText()
                .startsWith("live"));
        platform.client().sendNdjson("translation_delivered", writeLines("live.ndjson",
                "{\"timestamp\": \"2018-12-26 18:23:40\", \"translation_id\": \"live-1\", \"client_name\": "
                        + "\"airliberty\", \"duration\": 60}"));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<Double> now = plotted();
            return now != null && now.size() == 14 && now.get(13) != null
                    && Math.abs(now.get(13) - (31.0 + 54.0 + 60.0) / 3) < 1e-9;
        });
        assertThat(tableRows("rows").get(13)).startsWith("2018-12-26T18:24:00Z", "48.333333333333336", "3");

        // late: the aggregation's clock is past 18:23, so a delivery of 18:11:30 lands in a final bucket; the ten
        // points whose window holds 18:11 (18:12 to 18:21) say so, and their rows are marked
        platform.client().sendNdjson("translation_delivered", writeLines("late.ndjson",
                "{\"timestamp\": \"2018-12-26 18:11:30\", \"translation_id\": \"late-1\", \"client_name\": "
                        + "\"airliberty\", \"duration\": 20}"));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> browser.findElements(By.cssSelector("#rows tr.moved")).size() == 10);
        List<List<String>> marked = browser.findElements(By.cssSelector("#rows tr.moved")).stream()
                .map(row -> row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList()).toList();
        assertThat(marked.get(0)).startsWith("2018-12-26T18:12:00Z", "20", "2", "1");
        assertThat(marked.get(9)).startsWith("2018-12-26T18:21:00Z", "23.666666666666668", "3", "1");
        // the metric's counts beside the chart follow too: five deliveries, one of them late
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> browser.findElement(
                By.cssSelector("#metric-detail dd.late-events")).getText().equals("1"));
        assertThat(browser.findElement(By.cssSelector("#metric-detail dd.events-aggregated")).getText()).isEqualTo("5");
        screenshot("console-late-points.png");
    }

    @Test
    @Order(2)
    void aSeriesInAnOffsetZoneIsCharted() {
        // an offset zone is no zone of the browser's: its times are drawn shifted, in the zone's own clock
        browser.get(query() + "/?metric=delivery_time&view=series&agg=count&step=1h"
                + "&from=2018-12-26T18:00:00Z&to=2018-12-26T19:00:00Z&tz=UTC%2B01:00");
        // the five deliveries so far, all between 18:11 and 18:24 UTC: one hour, 19:00 to 20:00 at +01:00
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of(5.0).equals(plotted()));
        assertThat(tableRows("rows")).singleElement().satisfies(row -> assertThat(row)
                .startsWith("2018-12-26T19:00:00+01:00", "5", "5"));
    }

    @Test
    @Order(3)
    void topGroupsAreBars() {
        browser.get(query() + "/?metric=delivery_time&view=top&agg=count&group_by=client_name"
                + "&from=2018-12-26T18:00:00Z&to=2018-12-26T19:00:00Z");
        // airliberty: 18:11:08, 18:11:30, 18:15 and 18:23:40; taxi-eats: 18:23
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of(4.0, 1.0).equals(plotted()));
        assertThat(tableRows("rows")).containsExactly(List.of("1", "airliberty", "4", "4"), List.of("2", "taxi-eats", "1", "1"));
    }

    @Test
    @Order(4)
    void anUploadIsFollowedToTheEndAndItsDeadLetterShown() throws IOException {
        String bad = "2018-12-26 18:40:00,dl-2,en,fr,console-client,translation_delivered,12,slow";
        Path file = writeLines("deliveries.csv",
                "timestamp,translation_id,source_language,target_language,client_name,event_name,nr_words,duration",
                "2018-12-26 18:40:00,dl-1,en,fr,console-client,translation_delivered,30,20",
                bad,
                "2018-12-26 18:41:00,dl-3,en,fr,console-client,translation_delivered,30,25");
        browser.get(query() + "/?tab=uploads");
        WebElement form = browser.findElement(By.id("upload-form"));
        form.findElement(By.name("type")).sendKeys("translation_delivered");
        form.findElement(By.name("file")).sendKeys(file.toAbsolutePath().toString());
        form.findElement(By.cssSelector("button[type=submit]")).click();

        // the elements are replaced as each status arrives: one looked up between two is missing for a moment
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> browser.findElement(By.id("upload-percent")).getText()
                .equals("100 %") && browser.findElement(By.cssSelector("#upload-counts dd.state")).getText().equals("done"));
        assertThat(browser.findElement(By.cssSelector("#upload-counts dd.accepted")).getText()).isEqualTo("2");
        assertThat(browser.findElement(By.cssSelector("#upload-counts dd.rejected")).getText()).isEqualTo("1");
        // line 3 of the file (the header is line 1)
        assertThat(tableRows("upload-errors")).containsExactly(List.of("3", "/duration", "string found, number expected"));
        screenshot("console-upload.png");

        browser.findElement(By.cssSelector("#tabs button[data-tab=dead-letters]")).click();
        WebElement letters = browser.findElement(By.id("dead-letter-form"));
        letters.findElement(By.name("type")).sendKeys("translation_delivered");
        letters.findElement(By.cssSelector("button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> !tableRows("dead-letter-rows").isEmpty());
        List<String> newest = tableRows("dead-letter-rows").get(0);
        assertThat(newest.get(1)).startsWith("POST /v1/uploads/").endsWith(" line 3");
        assertThat(newest.get(2)).isEqualTo("/duration: string found, number expected");
        assertThat(newest.get(3)).isEqualTo(bad);
        screenshot("console-dead-letters.png");
    }

    private static Path writeLines(String name, String... lines) throws IOException {
        Path file = platform.data().resolve(name);
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }
}
