package io.pulse.common.derive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import java.time.Instant;

/**
 * The heat index (°F) of the U.S. National Weather Service, from the air temperature (°F) and the relative
 * humidity (%), as the NWS publishes it (https://www.wpc.ncep.noaa.gov/html/heatindex_equation.shtml): the simple
 * formula first; where that gives 80 °F or more, the Rothfusz regression with the NWS's two adjustments.
 *
 * @param name             the derived field
 * @param temperatureField a number field, °F
 * @param humidityField    a number field, relative humidity in percent (0 to 100)
 */
public record HeatIndex(String name, String temperatureField, String humidityField) implements DerivedField {

    @Override
    public String type() {
        return "number";
    }

    @Override
    public JsonNode derive(JsonNode event, Instant time) throws DerivationException {
        double t = number(event, temperatureField);
        double rh = number(event, humidityField);
        if (!(rh >= 0 && rh <= 100)) {
            throw new DerivationException(humidityField, "relative humidity " + rh + " % is outside [0, 100], to derive "
                    + name);
        }
        return DoubleNode.valueOf(fahrenheit(t, rh));
    }

    private double number(JsonNode event, String field) throws DerivationException {
        JsonNode value = event.path(field);
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            throw new DerivationException(field, "needed to derive " + name + ": a number");
        }
        return value.doubleValue();
    }

    /** The NWS heat index of temperature {@code t} (°F) at relative humidity {@code rh} (%). */
    public static double fahrenheit(double t, double rh) {
        double simple = 0.5 * (t + 61.0 + (t - 68.0) * 1.2 + rh * 0.094);
        if (simple < 80) {
            return simple;
        }
        double hi = -42.379 + 2.04901523 * t + 10.14333127 * rh - 0.22475541 * t * rh - 0.00683783 * t * t
                - 0.05481717 * rh * rh + 0.00122874 * t * t * rh + 0.00085282 * t * rh * rh
                - 0.00000199 * t * t * rh * rh;
        if (rh < 13 && t >= 80 && t <= 112) {
            hi -= (13 - rh) / 4 * Math.sqrt((17 - Math.abs(t - 95)) / 17);
        } else if (rh > 85 && t >= 80 && t <= 87) {
            hi += (rh - 85) / 10 * ((87 - t) / 5);
        }
        return hi;
    }
}
