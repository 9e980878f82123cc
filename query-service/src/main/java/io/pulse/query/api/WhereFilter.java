package io.pulse.query.api;

import io.pulse.common.derive.DerivedField;
import io.pulse.common.derive.GeohashCell;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Metric;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.query.QueryConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code where} parameter: {@code field:value}, {@code field:a|b}, and on a geohash-cell group field
 * {@code field:bbox(minLon,minLat,maxLon,maxLat)}. A bounding box becomes the set of cells that intersect it, so
 * it filters exactly like a list of values: exact at cell resolution, since a cell counts whole.
 *
 * @param accepted the accepted values per group field, bounding boxes resolved to their cells
 * @param boxes    the bounding boxes, to say in the answer how exact the filter is; empty without one
 */
public record WhereFilter(Map<String, Set<String>> accepted, List<CellBox> boxes) {

    private static final Pattern BBOX = Pattern.compile("\\s*bbox\\s*\\((.*)\\)\\s*", Pattern.CASE_INSENSITIVE);
    private static final List<String> EXAMPLE = List.of("origin_cell:bbox(14.40,50.00,14.52,50.08)");

    /**
     * A bounding-box filter as the answer reports it.
     *
     * @param field     the geohash-cell group field
     * @param bbox      minLon, minLat, maxLon, maxLat in degrees
     * @param precision characters of the field's cells
     * @param cells     how many cells intersect the box
     * @param note      what the filter includes
     */
    public record CellBox(String field, List<Double> bbox, int precision, long cells, String note) {
    }

    /**
     * The caps on bounding boxes: at most {@code boxes} of them in one question, each of at most {@code cells} cells
     * ({@link QueryConfig#maxBoxes()}, {@link QueryConfig#maxBoxCells()}).
     */
    public record Caps(int boxes, long cells) {
        static Caps of(QueryConfig config) {
            return new Caps(config.maxBoxes(), config.maxBoxCells());
        }
    }

    public static WhereFilter parse(Pipeline pipeline, Metric metric, List<String> filters, QueryConfig config) {
        return parse(pipeline, metric, filters, Caps.of(config));
    }

    public static WhereFilter parse(Pipeline pipeline, Metric metric, List<String> filters, Caps caps) {
        List<String> plain = new ArrayList<>();
        Map<String, Set<String>> cells = new LinkedHashMap<>();
        List<CellBox> boxes = new ArrayList<>();
        for (String filter : filters == null ? List.<String>of() : filters) {
            int colon = filter.indexOf(':');
            Matcher bbox = colon > 0 ? BBOX.matcher(filter.substring(colon + 1)) : null;
            if (bbox == null || !bbox.matches()) {
                plain.add(filter);
                continue;
            }
            QueryLimits.boxes(caps.boxes(), boxes.size() + 1);
            String field = filter.substring(0, colon).trim();
            int precision = cellPrecision(pipeline, metric, field);
            double[] box = corners(bbox.group(1));
            QueryLimits.boxCells(caps.cells(), "bbox(" + bbox.group(1).trim() + ")", count(box, precision), precision);
            Set<String> inside = cells(box, precision);
            cells.computeIfAbsent(field, f -> new LinkedHashSet<>()).addAll(inside);
            boxes.add(new CellBox(field, List.of(box[0], box[1], box[2], box[3]), precision, inside.size(),
                    note(precision)));
        }
        Map<String, Set<String>> accepted = QueryParameters.where(metric, plain);
        cells.forEach((field, values) -> accepted.merge(field, values, (a, b) -> {
            a.addAll(b);
            return a;
        }));
        return new WhereFilter(accepted, List.copyOf(boxes));
    }

    /** The precision of a group field that is a derived geohash cell; a 400 for any other field. */
    private static int cellPrecision(Pipeline pipeline, Metric metric, String field) {
        if (!metric.groupBy().contains(field)) {
            throw QueryParameters.invalid("where", "'" + field + "' is not a group field of metric " + metric.name(),
                    metric.groupBy());
        }
        EventType type = pipeline.eventType(metric.from()).orElseThrow();
        List<String> cellFields = metric.groupBy().stream()
                .filter(f -> type.derivedField(f).filter(GeohashCell.class::isInstance).isPresent()).toList();
        DerivedField derived = type.derivedField(field).orElse(null);
        if (!(derived instanceof GeohashCell cell)) {
            throw QueryParameters.invalid("where", "bbox needs a geohash-cell field; '" + field + "' is not one in metric "
                    + metric.name(), cellFields.stream().map(f -> f + ":bbox(minLon,minLat,maxLon,maxLat)").toList());
        }
        return cell.precision();
    }

    /** minLon, minLat, maxLon, maxLat: four numbers in degrees, each min at most its max. */
    private static double[] corners(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 4) {
            throw QueryParameters.invalid("where", "bbox(" + text + ") needs 4 numbers, minLon,minLat,maxLon,maxLat; it has "
                    + parts.length, EXAMPLE);
        }
        double[] box = new double[4];
        for (int i = 0; i < 4; i++) {
            try {
                box[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw QueryParameters.invalid("where", "'" + parts[i].trim() + "' in bbox(" + text + ") is not a number",
                        EXAMPLE);
            }
            double limit = i % 2 == 0 ? 180 : 90;
            if (!(Math.abs(box[i]) <= limit)) {
                throw QueryParameters.invalid("where", (i % 2 == 0 ? "longitude " : "latitude ") + parts[i].trim()
                        + " in bbox(" + text + ") is outside [-" + (int) limit + ", " + (int) limit + "]", EXAMPLE);
            }
        }
        if (box[0] > box[2] || box[1] > box[3]) {
            throw QueryParameters.invalid("where", "bbox(" + text + ") has a min above its max; write "
                    + "minLon,minLat,maxLon,maxLat", EXAMPLE);
        }
        return box;
    }

    /**
     * The cells of {@code precision} characters that intersect the box. A geohash cell is half-open,
     * {@code [west, east) x [south, north)} (a point on an edge belongs to the cell east or north of it), so it
     * intersects the closed box when {@code west <= maxLon}, {@code east > minLon} and the same for latitudes.
     */
    static Set<String> cells(double[] box, int precision) {
        Grid g = new Grid(box, precision);
        Set<String> cells = new LinkedHashSet<>();
        for (long i = g.west; i <= g.east; i++) {
            for (long j = g.south; j <= g.north; j++) {
                cells.add(GeohashCell.encode(-180 + (i + 0.5) * g.width, -90 + (j + 0.5) * g.height, precision));
            }
        }
        return cells;
    }

    /** How many cells of {@code precision} characters intersect the box, counted without listing them. */
    static long count(double[] box, int precision) {
        Grid g = new Grid(box, precision);
        return (g.east - g.west + 1) * (g.north - g.south + 1);
    }

    /** The columns and rows of the cells of {@code precision} that the box spans, and the size of a cell in degrees. */
    private static final class Grid {
        final double width;
        final double height;
        final long west;
        final long east;
        final long south;
        final long north;

        Grid(double[] box, int precision) {
            int lonBits = (5 * precision + 1) / 2;
            int latBits = 5 * precision / 2;
            width = 360.0 / (1L << lonBits);
            height = 180.0 / (1L << latBits);
            west = index(box[0] + 180, width, lonBits);
            east = index(box[2] + 180, width, lonBits);
            south = index(box[1] + 90, height, latBits);
            north = index(box[3] + 90, height, latBits);
        }
    }

    /** The cell holding an offset from the west or south edge of the world; the last cell holds the far edge. */
    private static long index(double offset, double size, int bits) {
        return Math.min((long) Math.floor(offset / size), (1L << bits) - 1);
    }

    private static String note(int precision) {
        int lonBits = (5 * precision + 1) / 2;
        int latBits = 5 * precision / 2;
        return String.format(Locale.ROOT, "exact at cell resolution: a geohash cell of precision %d (%.4g° lon x %.4g° lat)"
                + " counts whole when it intersects the box, so events up to one cell outside the box are included",
                precision, 360.0 / (1L << lonBits), 180.0 / (1L << latBits));
    }
}
