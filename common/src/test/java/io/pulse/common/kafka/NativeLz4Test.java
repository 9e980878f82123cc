package io.pulse.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

class NativeLz4Test {

    @Test
    void kafkasChoiceIsTheNativeImplementationOnceLoaded() {
        assertThat(NativeLz4.load()).isTrue();
        // what Kafka's Lz4BlockInputStream and Lz4BlockOutputStream ask for
        assertThat(LZ4Factory.fastestInstance()).isSameAs(LZ4Factory.nativeInstance());
        assertThat(LZ4Factory.fastestInstance().fastCompressor().getClass().getSimpleName()).contains("JNI");
    }
}
