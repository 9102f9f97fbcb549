package dev.cutover.database.mysql;

import dev.cutover.DaemonThreads;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A running dump tool or client ({@code mariadb-dump}, {@code mysql}, ...). The password travels in
 * the child's environment ({@code MYSQL_PWD}), never in its arguments, which {@code ps} shows to every
 * user of the machine; the environment of a process is readable only by its own user and root. The
 * last 4 KiB of its stderr are kept for the failure message. {@link #stdout()} fails at its end when
 * the tool exits non-zero, so a dump cut short can never be stored as if it were complete.
 */
final class ToolProcess implements AutoCloseable {

    private static final int STDERR_TAIL = 4096;

    private final Process process;
    private final String name;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Thread drain;

    private ToolProcess(Process process, String name) {
        this.process = process;
        this.name = name;
        this.drain = DaemonThreads.named(name + "-stderr").newThread(this::drainStderr);
        drain.start();
    }

    static ToolProcess start(List<String> command, String password) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.remove("MYSQL_PWD");
        if (password != null && !password.isEmpty()) {
            env.put("MYSQL_PWD", password);
        }
        try {
            return new ToolProcess(builder.start(), command.get(0));
        } catch (IOException e) {
            throw new IOException("cannot start " + command.get(0) + " (is it installed and on the PATH of the "
                    + "service?): " + e.getMessage(), e);
        }
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** The tool's output; reading its end waits for the tool and throws if it failed. */
    InputStream stdout() {
        return new FilterInputStream(process.getInputStream()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b < 0) {
                    requireSuccess();
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n < 0) {
                    requireSuccess();
                }
                return n;
            }
        };
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    /** Waits for the tool to end and throws with its stderr when it failed. */
    void requireSuccess() throws IOException {
        int exit = waitFor();
        if (exit != 0) {
            throw new IOException(name + " failed with exit code " + exit + ": " + stderrTail());
        }
    }

    int waitFor() throws IOException {
        try {
            int exit = process.waitFor();
            drain.join(5_000);
            return exit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + name, e);
        }
    }

    String stderrTail() {
        synchronized (stderr) {
            String text = stderr.toString(StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "(no message)" : text;
        }
    }

    private void drainStderr() {
        byte[] buffer = new byte[1024];
        try (InputStream err = process.getErrorStream()) {
            int n;
            while ((n = err.read(buffer)) >= 0) {
                synchronized (stderr) {
                    stderr.write(buffer, 0, n);
                    if (stderr.size() > 2 * STDERR_TAIL) {
                        byte[] all = stderr.toByteArray();
                        stderr.reset();
                        stderr.write(all, all.length - STDERR_TAIL, STDERR_TAIL);
                    }
                }
            }
        } catch (IOException ignored) {
            // the tool ended; what was read is the tail
        }
    }

    /** Ends the tool and its children at once (a stop, a failed upload). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
