package dev.cutover.dashboard;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An event stream read over a plain socket, as a browser's EventSource reads it: HTTP/1.1 with the
 * session cookie, the chunked body decoded, each event handed over with the moment it arrived.
 * Closing the socket ends the stream at once, so the server sees the viewer go away.
 */
final class SseConnection implements AutoCloseable {

    /** One server-sent event; {@code arrivedNanos} is {@link System#nanoTime()} when its blank line arrived. */
    record Event(String id, String name, String data, long arrivedNanos) {
    }

    interface Listener {
        void onEvent(Event event);
    }

    private final Socket socket;
    private final Thread reader;
    private volatile boolean closing;

    private SseConnection(Socket socket, InputStream body, Listener listener) {
        this.socket = socket;
        this.reader = new Thread(() -> read(body, listener), "bench-sse");
        reader.setDaemon(true);
        reader.start();
    }

    static SseConnection open(int port, String path, String cookie, Listener listener) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n"
                + "Cookie: " + cookie + "\r\nCache-Control: no-cache\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        String status = line(in);
        if (status == null || !status.contains(" 200 ")) {
            socket.close();
            throw new IOException("the stream answered " + status);
        }
        boolean chunked = false;
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            chunked |= header.toLowerCase().startsWith("transfer-encoding:") && header.toLowerCase().contains("chunked");
        }
        return new SseConnection(socket, chunked ? new Chunked(in) : in, listener);
    }

    private void read(InputStream body, Listener listener) {
        String id = null;
        String name = "message";
        StringBuilder data = new StringBuilder();
        try (java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(body, StandardCharsets.UTF_8), 64 * 1024)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        listener.onEvent(new Event(id, name, data.toString(), System.nanoTime()));
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(5).stripLeading());
                }
            }
        } catch (IOException e) {
            if (!closing) {
                System.err.println("an event stream ended: " + e);
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] raw = bytes.toByteArray();
                int length = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
                return new String(raw, 0, length, StandardCharsets.UTF_8);
            }
            bytes.write(b);
        }
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        closing = true;
        socket.close();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** HTTP/1.1 chunked transfer coding, decoded. */
    private static final class Chunked extends InputStream {

        private final InputStream in;
        private int left;
        private boolean ended;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (ended) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                if (size != null && size.isEmpty()) {
                    size = line(in); // the CRLF after the previous chunk's data
                }
                if (size == null) {
                    ended = true;
                    return -1;
                }
                int semicolon = size.indexOf(';');
                left = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
                if (left == 0) {
                    ended = true;
                    return -1;
                }
            }
            int b = in.read();
            if (b == -1) {
                ended = true;
                return -1;
            }
            left--;
            return b;
        }

        /** Whole runs of a chunk at once: reading a busy stream byte by byte cost the benchmark's own CPU. */
        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            int first = read(); // crosses chunk boundaries and ends the stream like a single read
            if (first == -1) {
                return -1;
            }
            buffer[offset] = (byte) first;
            int n = in.available() > 0 ? in.read(buffer, offset + 1, Math.min(length - 1, left)) : 0;
            if (n > 0) {
                left -= n;
                return n + 1;
            }
            return 1;
        }
    }
}
