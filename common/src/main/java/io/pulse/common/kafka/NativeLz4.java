package io.pulse.common.kafka;

import net.jpountz.lz4.LZ4Factory;
import org.jboss.logging.Logger;

/**
 * Makes Kafka's lz4 compression and decompression run in native code inside the Quarkus services. Kafka asks lz4-java
 * for its fastest implementation once, when its lz4 stream classes initialize, and lz4-java tries its JNI one by
 * itself only when the system class loader loaded it. Quarkus' class loader loads the application, so the services
 * compressed and decompressed in pure Java, several times slower (see docs/benchmarks.md, "Ingest"), while plain
 * clients on the system class path had the JNI one. Once
 * the native library is loaded, lz4-java offers it whatever the class loader. Where it cannot load (a platform
 * without it, a native image), the pure-Java implementation stays: slower, and the records read the same.
 */
public final class NativeLz4 {

    private static final Logger LOG = Logger.getLogger(NativeLz4.class);

    private NativeLz4() {
    }

    /**
     * Loads the native library; call before the first Kafka client of the process compresses or decompresses.
     *
     * @return whether Kafka's clients will use the native implementation
     */
    public static boolean load() {
        try {
            LZ4Factory.nativeInstance();
            return true;
        } catch (LinkageError | RuntimeException e) {
            LOG.info("lz4 runs in pure Java: its native library did not load", e);
            return false;
        }
    }
}
