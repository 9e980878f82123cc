package io.pulse.query.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.common.problem.ProblemException;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WhereFilterTest {

    private static final Pipeline PIPELINE = PipelineLoader.load(PipelineLoader.BUNDLED);
    /** The defaults of pulse.query.max-boxes and max-box-cells. */
    private static final WhereFilter.Caps CAPS = new WhereFilter.Caps(10, 100_000);
    private static final String BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

    /** Geohash as Niemeyer defines it: bits alternate longitude then latitude, halving the range each time. */
    private static String geohash(double lon, double lat, int precision) {
        double[] lonRange = {-180, 180};
        double[] latRange = {-90, 90};
        StringBuilder hash = new StringBuilder();
        int bits = 0;
        int value = 0;
        boolean even = true;
        while (hash.length() < precision) {
            double[] range = even ? lonRange : latRange;
            double v = even ? lon : lat;
            double mid = (range[0] + range[1]) / 2;
            value <<= 1;
            if (v >= mid) {
                value |= 1;
                range[0] = mid;
            } else {
                range[1] = mid;
            }
            even = !even;
            if (++bits == 5) {
                hash.append(BASE32.charAt(value));
                bits = 0;
                value = 0;
            }
        }
        return hash.toString();
    }

    /** The cell's extent {west, south, east, north}, decoding the same way. */
    private static double[] bounds(String hash) {
        double[] lonRange = {-180, 180};
        double[] latRange = {-90, 90};
        boolean even = true;
        for (char c : hash.toCharArray()) {
            int v = BASE32.indexOf(c);
            for (int bit = 4; bit >= 0; bit--) {
                double[] range = even ? lonRange : latRange;
                double mid = (range[0] + range[1]) / 2;
                if ((v >> bit & 1) == 1) {
                    range[0] = mid;
                } else {
                    range[1] = mid;
                }
                even = !even;
            }
        }
        return new double[] {lonRange[0], latRange[0], lonRange[1], latRange[1]};
    }

    @Test
    void theTestsEncoderAgreesWithPublishedExamples() {
        assertThat(geohash(-5.603, 42.605, 5)).isEqualTo("ezs42");
        assertThat(geohash(10.40744, 57.64911, 11)).isEqualTo("u4pruydqqvj");
        // Wikipedia: ezs42 spans about 42.583..42.627 N and 5.625..5.581 W.
        assertThat(bounds("ezs42")).containsExactly(new double[] {-5.625, 42.5830078125, -5.5810546875, 42.626953125},
                org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aBoxInsideOneCellIsThatCell() {
        assertThat(WhereFilter.cells(new double[] {-5.62, 42.59, -5.59, 42.62}, 5)).containsExactly("ezs42");
    }

    @Test
    void theCellsAreExactlyThoseHoldingPointsOfTheBox() {
        Random random = new Random(6);
        List<double[]> boxes = List.of(new double[] {14.40, 50.00, 14.52, 50.08}, new double[] {-5.625, 42.5830078125,
                -5.5810546875, 42.626953125}, new double[] {179.9, -0.1, 180, 0.1}, new double[] {9.9, 53.5, 10.0, 53.5});
        for (double[] box : boxes) {
            for (int precision : new int[] {3, 5, 6}) {
                Set<String> cells = WhereFilter.cells(box, precision);
                Set<String> holding = new HashSet<>();
                for (int i = 0; i < 20_000; i++) {
                    double lon = box[0] + (box[2] - box[0]) * (i < 4 ? i % 2 : random.nextDouble());
                    double lat = box[1] + (box[3] - box[1]) * (i < 4 ? i / 2 : random.nextDouble());
                    holding.add(geohash(lon, lat, precision));
                }
                // Every point of the box lies in a returned cell; every returned cell meets the box.
                assertThat(cells).containsAll(holding);
                for (String cell : cells) {
                    double[] b = bounds(cell);
                    boolean meets = b[0] <= box[2] && (b[2] > box[0] || b[2] == 180) && b[1] <= box[3]
                            && (b[3] > box[1] || b[3] == 90);
                    assertThat(meets).as("cell %s %s meets the box", cell, b).isTrue();
                }
            }
        }
    }

    private static String refusal(String where) {
        try {
            WhereFilter.parse(PIPELINE, PIPELINE.metric("trips").orElseThrow(), List.of(where), CAPS);
        } catch (ProblemException e) {
            assertThat(e.problem().getStatus()).isEqualTo(400);
            assertThat(e.problem().getExtensions()).containsEntry("parameter", "where");
            return e.problem().getDetail();
        }
        throw new AssertionError(where + " was accepted");
    }

    @Test
    void badBoxesAreRefusedNamingWhere() {
        assertThat(refusal("origin_cell:bbox(14.4,50.0,14.5)")).contains("needs 4 numbers");
        assertThat(refusal("origin_cell:bbox(14.4,50.0,14.5,north)")).contains("'north'").contains("not a number");
        assertThat(refusal("origin_cell:bbox(14.5,50.0,14.4,50.1)")).contains("min above its max");
        assertThat(refusal("origin_cell:bbox(14.4,50.0,14.5,91)")).contains("latitude 91 ").contains("outside [-90, 90]");
        assertThat(refusal("origin_cell:bbox(-181,50.0,14.5,50.1)")).contains("longitude -181");
        assertThat(refusal("region:bbox(14.4,50.0,14.5,50.1)")).contains("'region' is not one");
        assertThat(refusal("destination_cell:bbox(14.4,50.0,14.5,50.1)")).contains("not a group field");
        assertThat(refusal("origin_cell:bbox(-180,-90,180,90)")).contains("33554432 cells of precision 5");
    }

    @Test
    void boxesAndValuesCombine() {
        WhereFilter f = WhereFilter.parse(PIPELINE, PIPELINE.metric("trips").orElseThrow(),
                List.of("region:Prague", "origin_cell:bbox(-5.62,42.59,-5.59,42.62)", "origin_cell:u4pru"), CAPS);
        assertThat(f.accepted()).containsEntry("region", Set.of("Prague"));
        assertThat(f.accepted().get("origin_cell")).containsExactlyInAnyOrder("ezs42", "u4pru");
        assertThat(f.boxes()).singleElement().satisfies(b -> {
            assertThat(b.field()).isEqualTo("origin_cell");
            assertThat(b.bbox()).containsExactly(-5.62, 42.59, -5.59, 42.62);
            assertThat(b.cells()).isEqualTo(1);
            assertThat(b.note()).startsWith("exact at cell resolution");
        });
    }
}
