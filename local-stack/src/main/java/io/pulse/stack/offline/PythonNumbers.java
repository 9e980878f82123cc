package io.pulse.stack.offline;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Numbers written as the moving-average reference script's output writes them, which is Python's
 * {@code json.dumps}: an integral value without a fraction ({@code 20}, not {@code 20.0}), any other value as the
 * shortest decimal that reads back as the same double ({@code 25.5}, {@code 0.1}), with an exponent below 1e-4
 * ({@code 1.5e-05}). Java's own {@code Double.toString} differs ({@code 20.0}, {@code 1.5E-5}, and on Java 17 not
 * always the shortest digits).
 */
public final class PythonNumbers {

    private PythonNumbers() {
    }

    public static String format(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value); // Infinity, -Infinity, NaN: json.dumps' words too
        }
        if (value == Math.rint(value)) {
            return new BigDecimal(value).toBigInteger().toString();
        }
        BigDecimal exact = new BigDecimal(value);
        BigDecimal shortest = exact;
        for (int digits = 1; digits <= 17; digits++) {
            BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (rounded.doubleValue() == value) {
                shortest = rounded.stripTrailingZeros();
                break;
            }
        }
        int exponent = shortest.precision() - shortest.scale() - 1;
        if (exponent >= -4) {
            return shortest.toPlainString(); // non-integral doubles are all below 2^53, so never 1e16 or more
        }
        String digits = shortest.unscaledValue().abs().toString();
        return (shortest.signum() < 0 ? "-" : "") + digits.charAt(0) + (digits.length() > 1 ? "." + digits.substring(1) : "")
                + String.format("e-%02d", -exponent);
    }
}
