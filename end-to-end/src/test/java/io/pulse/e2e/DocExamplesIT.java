package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.LocalStack;
import io.pulse.stack.client.Credentials;
import io.pulse.stack.services.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The example requests of the README and of the workloads page, run as a user runs them: in order, with bash and
 * curl, from a directory holding the repository's samples, each page against a fresh stack started as
 * {@code ./pulse up} starts it (its default pipeline and partitions, free ports in place of the documented API and
 * management ports). Each answer must be the one the page shows, ids and times aside, so a changed answer shape or
 * value fails here before it misleads a reader.
 */
class DocExamplesIT {

    /** How long a question may take to show what was sent before it: buckets are published every 500 ms. */
    private static final Duration SETTLE = Duration.ofSeconds(60);

    @TempDir
    Path data;
    @TempDir
    Path workDir;

    /**
     * @param page a guide, relative to the repository
     * @param documented how many requests it shows with their answers; fewer found means the parser or the page lost some
     */
    @ParameterizedTest
    @CsvSource({"README.md, 18", "docs/workloads.md, 19"})
    void everyDocumentedRequestAnswersAsDocumented(String page, int documented) throws Exception {
        DocExamples guide = DocExamples.parse(Files.readString(TestStacks.HOME.resolve(page)));
        assertThat(guide.examples()).hasSizeGreaterThanOrEqualTo(documented);
        Files.createSymbolicLink(workDir.resolve("samples"), TestStacks.HOME.resolve("samples"));
        try (LocalStack stack = TestStacks.start(data, PipelineLoader.BUNDLED, 3)) {
            for (DocExamples.Example example : guide.examples()) {
                runAsDocumented(stack, page, example);
            }
        }
    }

    /** Runs one example, again and again while it only asks and its answer is not yet the documented one. */
    private void runAsDocumented(LocalStack stack, String page, DocExamples.Example example) throws Exception {
        String command = example.command()
                .replace("http://127.0.0.1:8081", stack.url(Service.INGEST))
                .replace("http://127.0.0.1:8082", stack.url(Service.AGGREGATION))
                .replace("http://127.0.0.1:8083", stack.url(Service.QUERY))
                .replace("http://127.0.0.1:9081", stack.managementUrl(Service.INGEST))
                .replace("http://127.0.0.1:9082", stack.managementUrl(Service.AGGREGATION))
                .replace("http://127.0.0.1:9083", stack.managementUrl(Service.QUERY));
        Instant deadline = Instant.now().plus(SETTLE);
        String actual = run(command);
        while (!example.matches(actual) && example.isRead() && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            actual = run(command);
        }
        assertThat(example.matches(actual)).as("%s line %d:%n%s%nshows%n%s%nthe stack answers%n%s", page,
                example.line(), example.command(), example.output(), DocExamples.Example.normalized(actual)).isTrue();
    }

    private String run(String command) throws IOException, InterruptedException {
        Path out = workDir.resolve(".out");
        ProcessBuilder shell = new ProcessBuilder("bash", "-euo", "pipefail", "-c", command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        shell.environment().put(Credentials.ENVIRONMENT, TestStacks.API_KEY); // as the guide has its reader export it
        Process bash = shell.start();
        if (!bash.waitFor(2, TimeUnit.MINUTES)) {
            bash.destroyForcibly();
            throw new AssertionError("did not end within 2 minutes: " + command);
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    void anExampleMatchesOnlyItsDocumentedOutput() {
        DocExamples parsed = DocExamples.parse(String.join("\n", List.of(
                "```bash", "curl -s http://127.0.0.1:8083/v1/uploads/1 \\", "  -H 'Accept: text/csv'",
                "# {\"upload_id\":\"…\",\"state\":\"done\"}", "", "./pulse up", "```",
                "```", "curl -s http://127.0.0.1:8083/not-bash", "# no", "```")));
        assertThat(parsed.examples()).hasSize(1);
        DocExamples.Example example = parsed.examples().get(0);
        assertThat(example.line()).isEqualTo(2);
        assertThat(example.isRead()).isTrue();
        assertThat(example.matches("{\"upload_id\":\"u-42\",\"state\":\"done\"}\n")).isTrue();
        assertThat(example.matches("{\"upload_id\":\"u-42\",\"state\":\"processing\"}")).isFalse();
    }
}
