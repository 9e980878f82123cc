package io.pulse.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.bench.run.AnswerCheck;
import io.pulse.bench.run.Ceilings;
import io.pulse.bench.run.ProcessMemory;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @TempDir
    Path dir;

    @Test
    void writesTheTablesAndReadablePngsAndMarksMissingWorkloads() throws Exception {
        System.setProperty("java.awt.headless", "true");
        Results results = new Results();
        for (int size : List.of(10_000, 1_000_000)) {
            results.runs.add(new Results.Run("translation_delivered", "delivery_time", size, null, "POST", size / 50_000.0,
                    List.of(100.0, 200.0, 300.0, 400.0), new AnswerCheck.Result(60, 0, 60, false, List.of()), "exact",
                    new Ceilings.Result(400_000, 900_000)));
            results.runs.add(new Results.Run("trip", "trips", size, "not available in this build", null, 0, List.of(),
                    null, null, null));
            results.memory.put(size, Map.of("ingest-service", new ProcessMemory(300 * 1024, 250 * 1024)));
        }
        results.cliUnavailable = "not available in this build";

        String md = Report.write(results, List.of("translation_delivered", "trip"), List.of(10_000, 1_000_000), "header", dir);

        // 1,000,000 events in 20 s: 50,000 events/s, slower than the 15 s target
        assertThat(md).contains("| 1,000,000 `translation_delivered` events end to end in under 15 s | 20.0 s (50,000 events/s) | **fail** |");
        assertThat(md).contains("| `trip` → `trips` | 10,000 | not available in this build |");
        assertThat(md).contains("| 20.0 s | 50,000 | 400,000 | 900,000 | 0.13 | 200 / 400 ms (4) | ✅ 60 buckets match |");
        assertThat(md).contains("| ingest-service | 300 / 250 MB | 300 / 250 MB |");
        for (String png : List.of("throughput.png", "freshness.png", "memory.png")) {
            BufferedImage image = ImageIO.read(dir.resolve(png).toFile());
            assertThat(image.getWidth()).isEqualTo(900);
            assertThat(Files.size(dir.resolve(png))).isLessThan(200_000);
        }
    }

    @Test
    void aCheckpointBeforeAnyStackEndedHasNoMemorySection() throws Exception {
        System.setProperty("java.awt.headless", "true");
        Results results = new Results();
        results.runs.add(new Results.Run("translation_delivered", "delivery_time", 10_000, null, "POST", 0.5,
                List.of(100.0), new AnswerCheck.Result(60, 0, 60, false, List.of()), "exact",
                new Ceilings.Result(400_000, 900_000)));
        results.cliUnavailable = "not available in this build";

        String md = Report.write(results, List.of("translation_delivered"), List.of(10_000), "header", dir);

        assertThat(md).contains("| `translation_delivered` → `delivery_time` | 10,000 |").doesNotContain("## Memory");
        assertThat(dir.resolve("throughput.png")).exists();
        assertThat(dir.resolve("memory.png")).doesNotExist();
    }
}
