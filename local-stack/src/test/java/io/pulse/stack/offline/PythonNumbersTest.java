package io.pulse.stack.offline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PythonNumbersTest {

    /** Expected texts printed by Python 3.11: {@code json.dumps(v)}, after {@code int(v)} for integral values. */
    @Test
    void writesNumbersAsPythonsJsonDumps() {
        assertThat(PythonNumbers.format(20.0)).isEqualTo("20");
        assertThat(PythonNumbers.format(0.0)).isEqualTo("0");
        assertThat(PythonNumbers.format(1e22)).isEqualTo("10000000000000000000000");
        assertThat(PythonNumbers.format(25.5)).isEqualTo("25.5");
        assertThat(PythonNumbers.format(1.0 / 3)).isEqualTo("0.3333333333333333");
        assertThat(PythonNumbers.format(2.0 / 3)).isEqualTo("0.6666666666666666");
        assertThat(PythonNumbers.format(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(PythonNumbers.format(100.0 / 7)).isEqualTo("14.285714285714286");
        assertThat(PythonNumbers.format(123.456)).isEqualTo("123.456");
        assertThat(PythonNumbers.format(1234567.125)).isEqualTo("1234567.125");
        assertThat(PythonNumbers.format(-2.5)).isEqualTo("-2.5");
        assertThat(PythonNumbers.format(0.0001)).isEqualTo("0.0001");
        assertThat(PythonNumbers.format(1e-5)).isEqualTo("1e-05");
        assertThat(PythonNumbers.format(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(PythonNumbers.format(Double.MIN_VALUE)).isEqualTo("5e-324");
    }
}
