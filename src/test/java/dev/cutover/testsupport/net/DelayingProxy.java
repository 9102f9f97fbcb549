package dev.cutover.testsupport.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy on loopback in front of an HTTP peer (S3Mock) that holds each request for a fixed
 * delay before passing it on, standing for a cloud round trip, and counts the PUTs of each object
 * key it passes (to tell duplicates). Plain HTTP/1.1 only; a thread per connection and direction.
 */
public final class DelayingProxy implements AutoCloseable {

    private static final Pattern PUT = Pattern.compile("(?m)^PUT /([^ ?]+)[^ ]* HTTP/1\\.1\r?$");

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final long delayMillis;
    private final Map<String, AtomicLong> puts = new ConcurrentHashMap<>();
    private volatile boolean open = true;

    private DelayingProxy(InetSocketAddress upstream, long delayMillis) throws IOException {
        this.upstream = upstream;
        this.delayMillis = delayMillis;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "delaying-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static DelayingProxy in(URI peer, long delayMillis) throws IOException {
        return new DelayingProxy(new InetSocketAddress(peer.getHost(), peer.getPort()), delayMillis);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** PUT requests seen per path (bucket/key), parts of multipart uploads included. */
    public Map<String, Long> puts() {
        Map<String, Long> counted = new java.util.TreeMap<>();
        puts.forEach((path, count) -> counted.put(path, count.get()));
        return counted;
    }

    private void accept() {
        while (open) {
            try {
                Socket client = server.accept();
                Socket peer = new Socket(upstream.getAddress(), upstream.getPort());
                client.setTcpNoDelay(true);
                peer.setTcpNoDelay(true);
                pump(client, peer, true);
                pump(peer, client, false);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean requests) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (from; to; InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (requests) {
                        String text = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                        Matcher put = PUT.matcher(text);
                        boolean request = text.startsWith("GET ") || text.startsWith("PUT ") || text.startsWith("HEAD ")
                                || text.startsWith("POST ") || text.startsWith("DELETE ");
                        while (put.find()) {
                            puts.computeIfAbsent(put.group(1), path -> new AtomicLong()).incrementAndGet();
                        }
                        if (request) {
                            Thread.sleep(delayMillis); // a round trip's worth, once per request
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException ended) {
                // either side closed
            }
        }, "delaying-proxy-" + (requests ? "up" : "down"));
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        open = false;
        server.close();
    }
}
