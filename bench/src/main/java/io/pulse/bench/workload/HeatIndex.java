package io.pulse.bench.workload;

/**
 * The US National Weather Service heat index in °F (Rothfusz regression with the NWS adjustments, and Steadman's
 * simple formula where the result is below 80 °F), written for the bench from the NWS description
 * (wpc.ncep.noaa.gov/html/heatindex_equation.shtml) so that it checks the service's derived {@code heat_index}.
 */
public final class HeatIndex {

    private HeatIndex() {
    }

    /** @param t temperature in °F, @param rh relative humidity in % */
    public static double of(double t, double rh) {
        double simple = 0.5 * (t + 61.0 + (t - 68.0) * 1.2 + rh * 0.094);
        if ((simple + t) / 2 < 80) {
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
