package dev.cutover.hooks;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Drains one output stream of a process and keeps only its last lines: at most {@code maxLines}
 * lines and {@code maxChars} characters, so a command printing gigabytes costs constant memory.
 * One thread writes (the drainer), others read; every access is synchronized.
 */
final class OutputTail {

    static final int DEFAULT_MAX_LINES = 50;
    static final int DEFAULT_MAX_CHARS = 8 * 1024;

    private final int maxLines;
    private final int maxChars;
    private final Deque<String> lines = new ArrayDeque<>();
    private int chars;
    private long totalLines;

    OutputTail() {
        this(DEFAULT_MAX_LINES, DEFAULT_MAX_CHARS);
    }

    OutputTail(int maxLines, int maxChars) {
        this.maxLines = maxLines;
        this.maxChars = maxChars;
    }

    /** Starts a daemon thread that reads {@code stream} to its end into this tail. */
    Thread drainInBackground(InputStream stream, String threadName) {
        Thread thread = new Thread(() -> drain(stream), threadName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Reads {@code stream} to its end, splitting lines; over-long lines are cut at {@code maxChars}. */
    void drain(InputStream stream) {
        try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
            char[] buffer = new char[8192];
            StringBuilder line = new StringBuilder();
            boolean cut = false;
            int read;
            while ((read = reader.read(buffer)) != -1) {
                for (int i = 0; i < read; i++) {
                    char c = buffer[i];
                    if (c == '\n') {
                        add(line, cut);
                        line.setLength(0);
                        cut = false;
                    } else if (line.length() < maxChars) {
                        line.append(c);
                    } else {
                        cut = true;
                    }
                }
            }
            if (line.length() > 0 || cut) {
                add(line, cut);
            }
        } catch (IOException streamClosed) {
            // the process went away (or was killed): keep what was read so far
        }
    }

    private void add(StringBuilder line, boolean cut) {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        String text = line.substring(0, end) + (cut ? " …[line cut]" : "");
        synchronized (this) {
            lines.addLast(text);
            chars += text.length() + 1;
            totalLines++;
            while (lines.size() > 1 && (lines.size() > maxLines || chars > maxChars)) {
                chars -= lines.removeFirst().length() + 1;
            }
        }
    }

    /** The kept lines joined by newlines; empty when nothing was printed. */
    synchronized String text() {
        return String.join("\n", lines);
    }

    /** The last complete line seen, or empty. */
    synchronized String lastLine() {
        return lines.isEmpty() ? "" : lines.getLast();
    }

    /** How many lines the stream printed in all, kept or not. */
    synchronized long totalLines() {
        return totalLines;
    }
}
