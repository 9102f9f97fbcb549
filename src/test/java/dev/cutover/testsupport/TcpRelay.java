package dev.cutover.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A plain TCP relay in front of a peer, so a test can degrade or cut the network between a client
 * and that peer:
 * <ul>
 * <li>{@link #drop()} closes every open connection and refuses new ones (as a service restart or
 * a network outage would), {@link #restore()} lets connections through again;</li>
 * <li>{@link #delay(Duration)} holds every chunk that long in each direction (one-way latency; the
 * bytes already in flight keep flowing, so throughput is not divided by the delay), for the
 * latency the kernel's {@code tc netem} would add where it exists (it does not in every kernel);</li>
 * <li>{@link #uploadRate(long)} lets client-to-peer bytes pass at most that many per second in
 * all, as over a slow interconnect (answers pass at full speed).</li>
 * </ul>
 * By default it listens on a free loopback port and forwards to a loopback port; the other
 * constructor binds and targets any address (a veth of a {@code FaultyLink}). {@link #main} runs
 * one as its own process, e.g. inside a network namespace with {@code ip netns exec}.
 */
public final class TcpRelay implements AutoCloseable {

    private static final byte[] END = new byte[0];

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean refusing;
    private volatile long delayNanos;
    private volatile long uploadBytesPerSecond;
    private long nextFreeNanos = System.nanoTime();

    /** Listens on a free loopback port, forwards to {@code targetPort} on loopback. */
    public TcpRelay(int targetPort) throws IOException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
    }

    /** Listens on {@code listen} (port 0: any free one), forwards to {@code target}. */
    public TcpRelay(InetSocketAddress listen, InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(listen, 50);
        daemon(this::accept, "tcp-relay-" + listener.getLocalPort()).start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Closes every relayed connection and refuses new ones until {@link #restore()}. */
    public void drop() {
        refusing = true;
        open.forEach(TcpRelay::closeQuietly);
        open.clear();
    }

    public void restore() {
        refusing = false;
    }

    /** Holds every chunk this long in each direction from now on (zero: none). */
    public TcpRelay delay(Duration oneWay) {
        delayNanos = oneWay.toNanos();
        return this;
    }

    /** Client-to-peer bytes pass at most this many per second, all connections together (0: unlimited). */
    public TcpRelay uploadRate(long bytesPerSecond) {
        uploadBytesPerSecond = bytesPerSecond;
        return this;
    }

    @Override
    public void close() {
        drop();
        closeQuietly(listener);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (refusing) {
                    closeQuietly(client);
                    continue;
                }
                Socket peer;
                try {
                    peer = new Socket(target.getAddress(), target.getPort());
                } catch (IOException unreachable) {
                    closeQuietly(client); // as the peer would: the client sees the connection end
                    continue;
                }
                client.setTcpNoDelay(true);
                peer.setTcpNoDelay(true);
                open.add(client);
                open.add(peer);
                pump(client, peer, true);
                pump(peer, client, false);
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
            }
        }
    }

    /**
     * One reader and one writer per direction: the reader stamps each chunk with the time it may
     * leave, the writer waits for that time, so a delay adds latency without serialising the stream.
     */
    private void pump(Socket from, Socket to, boolean upload) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>(256);
        daemon(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    queue.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos));
                }
            } catch (IOException | InterruptedException ended) {
                // this side closed or was dropped
            } finally {
                queue.offer(new Chunk(END, 0));
            }
        }, "tcp-relay-read").start();
        daemon(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk chunk = queue.take();
                    if (chunk.bytes == END) {
                        break;
                    }
                    sleepUntil(chunk.due);
                    if (upload) {
                        pace(chunk.bytes.length);
                    }
                    out.write(chunk.bytes);
                    out.flush();
                }
            } catch (IOException | InterruptedException ended) {
                // the other side closed or was dropped
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-relay-write").start();
    }

    /** One budget for every connection: each chunk waits for its share of the rate. */
    private void pace(int bytes) throws InterruptedException {
        long rate = uploadBytesPerSecond;
        if (rate <= 0) {
            return;
        }
        long waitUntil;
        synchronized (this) {
            nextFreeNanos = Math.max(nextFreeNanos, System.nanoTime()) + bytes * 1_000_000_000L / rate;
            waitUntil = nextFreeNanos;
        }
        sleepUntil(waitUntil);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private record Chunk(byte[] bytes, long due) {
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed, or a relay being torn down
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * {@code TcpRelay LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT}: relays until killed. A
     * {@code FaultyLink} runs it inside its namespace to bring a peer of the host across the veth.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: TcpRelay LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT");
            System.exit(2);
        }
        TcpRelay relay = new TcpRelay(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])),
                new InetSocketAddress(InetAddress.getByName(args[2]), Integer.parseInt(args[3])));
        System.out.println("relaying " + args[0] + ":" + relay.port() + " -> " + args[2] + ":" + args[3]);
        System.out.flush();
        Thread.currentThread().join();
    }
}
