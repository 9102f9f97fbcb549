package dev.cutover.monitoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback in front of a real peer (S3Mock here) whose uploads (client to server)
 * pass at most {@code bytesPerSecond} in all, as over a slow interconnect: a sync through it stays
 * running long enough to be watched. Answers pass at full speed.
 */
final class ThrottledRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final long bytesPerSecond;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private long nextFreeNanos = System.nanoTime();

    ThrottledRelay(InetSocketAddress target, long bytesPerSecond) throws IOException {
        this.target = target;
        this.bytesPerSecond = bytesPerSecond;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::accept, "throttled-relay").start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getAddress(), target.getPort());
                open.add(client);
                open.add(server);
                daemon(() -> pipe(client, server, true), "relay-up").start();
                daemon(() -> pipe(server, client, false), "relay-down").start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean throttled) {
        byte[] buffer = new byte[4096];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (throttled) {
                    pace(read);
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // a closed side ends the relay of this connection
        } finally {
            close(from);
            close(to);
        }
    }

    /** One budget for every connection: each chunk waits for its share of the rate. */
    private void pace(int bytes) throws InterruptedException {
        long waitUntil;
        synchronized (this) {
            long now = System.nanoTime();
            nextFreeNanos = Math.max(nextFreeNanos, now) + bytes * 1_000_000_000L / bytesPerSecond;
            waitUntil = nextFreeNanos;
        }
        long wait = waitUntil - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    @Override
    public void close() {
        close(listener);
        open.forEach(ThrottledRelay::close);
    }

    private static void close(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
