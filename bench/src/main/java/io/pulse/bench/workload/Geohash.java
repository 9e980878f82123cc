package io.pulse.bench.workload;

/**
 * The geohash of a point (Niemeyer's base-32 interleaving of longitude and latitude bits, longitude first), written
 * for the bench from the algorithm's description so that it checks the service's derived {@code origin_cell} rather
 * than repeating it.
 */
public final class Geohash {

    private static final char[] BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz".toCharArray();

    private Geohash() {
    }

    public static String of(double lon, double lat, int precision) {
        double[] lonRange = {-180, 180};
        double[] latRange = {-90, 90};
        StringBuilder hash = new StringBuilder(precision);
        boolean even = true;
        int bits = 0;
        int value = 0;
        while (hash.length() < precision) {
            double[] range = even ? lonRange : latRange;
            double coordinate = even ? lon : lat;
            double mid = (range[0] + range[1]) / 2;
            value <<= 1;
            if (coordinate >= mid) {
                value |= 1;
                range[0] = mid;
            } else {
                range[1] = mid;
            }
            even = !even;
            if (++bits == 5) {
                hash.append(BASE32[value]);
                bits = 0;
                value = 0;
            }
        }
        return hash.toString();
    }
}
