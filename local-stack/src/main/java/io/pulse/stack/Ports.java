package io.pulse.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** Port checks done before anything starts, so a clash is reported by name rather than as a bind failure deep in a log. */
public final class Ports {

    private Ports() {
    }

    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // sockets in TIME_WAIT do not make a port taken; a listener does
            socket.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port nothing listens on right now, for tests. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code count} different ports nothing listens on right now, none of them one of {@code except}. Calls of
     * {@link #free()} one after the other may answer the same port, since a port just closed can be handed out
     * again; these are held open together while they are picked.
     */
    public static int[] free(int count, int... except) {
        List<ServerSocket> open = new ArrayList<>();
        try {
            int[] ports = new int[count];
            int found = 0;
            while (found < count) {
                ServerSocket socket = new ServerSocket(0);
                open.add(socket);
                int port = socket.getLocalPort();
                if (IntStream.of(except).noneMatch(p -> p == port)) {
                    ports[found++] = port;
                }
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : open) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // it was only held to keep the port apart
                }
            }
        }
    }
}
