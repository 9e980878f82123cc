package io.pulse.bench.report;

import io.pulse.bench.run.ProcessMemory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** The report's PNG charts, rendered headless with XChart. */
final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;

    private Charts() {
    }

    static void throughput(Results results, List<String> workloads, List<Integer> sizes, Path file) throws IOException {
        // a logarithmic axis takes no empty bars: only workloads that ran at every size
        List<String> types = workloads.stream()
                .filter(t -> sizes.stream().allMatch(s -> find(results, t, s).isPresent())).toList();
        CategoryChart chart = chart("End-to-end events/s next to the plain Kafka ceilings (log scale)", "workload", "events/s");
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(10.0); // bars start at zero unless told, which a logarithmic axis refuses
        for (int size : sizes) {
            chart.addSeries("Pulse end to end, " + Report.size(size), types,
                    values(types, t -> find(results, t, size).map(Results.Run::eventsPerSecond)));
        }
        int largest = sizes.get(sizes.size() - 1);
        chart.addSeries("plain producer, " + Report.size(largest), types,
                values(types, t -> find(results, t, largest).map(r -> r.ceiling().producerEventsPerSecond())));
        chart.addSeries("plain consumer, " + Report.size(largest), types,
                values(types, t -> find(results, t, largest).map(r -> r.ceiling().consumerEventsPerSecond())));
        save(chart, file);
    }

    static void freshness(Results results, Path file) throws IOException {
        List<String> labels = new ArrayList<>();
        List<Number> p50 = new ArrayList<>();
        List<Number> p99 = new ArrayList<>();
        for (Results.Run run : results.runs) {
            if (run.ran() && !run.freshness().isEmpty()) {
                labels.add(run.type() + " " + Report.size(run.size()));
                p50.add(run.freshnessPercentile(50) / 1000);
                p99.add(run.freshnessPercentile(99) / 1000);
            }
        }
        CategoryChart chart = chart("Freshness: acknowledgement to queryable (s)", "workload and size", "seconds");
        if (!labels.isEmpty()) {
            chart.addSeries("p50", labels, p50);
            chart.addSeries("p99", labels, p99);
        }
        save(chart, file);
    }

    static void memory(Results results, Path file) throws IOException {
        CategoryChart chart = chart("Peak resident memory per process (VmHWM, MB)", "process", "MB");
        for (Map.Entry<Integer, Map<String, ProcessMemory>> size : results.memory.entrySet()) {
            List<String> processes = new ArrayList<>(size.getValue().keySet());
            chart.addSeries(Report.size(size.getKey()) + " run", processes,
                    processes.stream().map(p -> (Number) size.getValue().get(p).peakMb()).toList());
        }
        save(chart, file);
    }

    static void cli(Results results, Path file) throws IOException {
        CategoryChart chart = chart("Offline moving average of " + Report.size((int) results.cli.events())
                + " events: seconds (lower is better)", "", "seconds");
        chart.addSeries("wall-clock seconds", List.of("./pulse moving-average", "python3 moving_average.py"),
                List.of(results.cli.cli().seconds(), results.cli.python().seconds()));
        chart.getStyler().setLegendVisible(false);
        save(chart, file);
    }

    private static CategoryChart chart(String title, String x, String y) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x)
                .yAxisTitle(y).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setXAxisLabelRotation(15); // long workload and process names must not overlap
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setLabelsVisible(false);
        return chart;
    }

    private static List<Number> values(List<String> types, java.util.function.Function<String, java.util.Optional<Double>> value) {
        return types.stream().map(t -> (Number) value.apply(t).orElse(null)).toList();
    }

    private static java.util.Optional<Results.Run> find(Results results, String type, int size) {
        return results.runs.stream().filter(r -> r.ran() && r.type().equals(type) && r.size() == size).findFirst();
    }

    private static void save(CategoryChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
