package io.pulse.common.derive;

import ch.hsr.geohash.GeoHash;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;

/**
 * The geohash cell (base-32 string of {@code precision} characters) holding a point of the event.
 *
 * @param name      the derived field
 * @param point     where the point is read from
 * @param precision characters of the cell, 1 (continents) to 12 (centimetres)
 */
public record GeohashCell(String name, PointSource point, int precision) implements DerivedField {

    public static final int MIN_PRECISION = 1;
    public static final int MAX_PRECISION = 12;

    @Override
    public String type() {
        return "string";
    }

    @Override
    public JsonNode derive(JsonNode event, Instant time) throws DerivationException {
        PointSource.Point p = point.read(event, name);
        return TextNode.valueOf(encode(p.lon(), p.lat(), precision));
    }

    /** The cell of a point given in degrees (longitude in [-180, 180], latitude in [-90, 90]). */
    public static String encode(double lon, double lat, int precision) {
        return GeoHash.geoHashStringWithCharacterPrecision(lat, lon, precision);
    }
}
