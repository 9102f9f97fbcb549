package dev.cutover.step;

import dev.cutover.DaemonThreads;
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
 * Secrets are masked before anything is cut: an over-long line is read {@link #SLACK} characters
 * past its cut and masked whole, and a piece of a secret left where text was cut is masked too
 * (see {@link Masking}). One thread writes (the drainer), others read; every access is synchronized.
 */
final class OutputTail {

    static final int DEFAULT_MAX_LINES = 50;
    static final int DEFAULT_MAX_CHARS = 8 * 1024;
    /** How far past the cut an over-long line is read, so that a secret across the cut is seen whole. */
    static final int SLACK = 4 * 1024;
    private static final String CUT = " …[line cut]";

    /** Masks secrets in text; {@code cutBefore}/{@code cutAfter} say where the text was cut out of a longer one. */
    @FunctionalInterface
    interface Masking {
        String mask(String text, boolean cutBefore, boolean cutAfter);
    }

    private final int maxLines;
    private final int maxChars;
    private final Masking masking;
    private final Deque<String> lines = new ArrayDeque<>();
    private int chars;
    private long totalLines;

    OutputTail(Masking masking) {
        this(DEFAULT_MAX_LINES, DEFAULT_MAX_CHARS, masking);
    }

    OutputTail(int maxLines, int maxChars, Masking masking) {
        this.maxLines = maxLines;
        this.maxChars = maxChars;
        this.masking = masking;
    }

    /** Starts a daemon thread that reads {@code stream} to its end into this tail. */
    Thread drainInBackground(InputStream stream, String threadName) {
        Thread thread = DaemonThreads.named(threadName).newThread(() -> drain(stream));
        thread.start();
        return thread;
    }

    /** Reads {@code stream} to its end, splitting lines; over-long lines are cut at {@code maxChars}. */
    void drain(InputStream stream) {
        try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
            char[] buffer = new char[8192];
            StringBuilder line = new StringBuilder();
            boolean overflow = false;
            int read;
            while ((read = reader.read(buffer)) != -1) {
                for (int i = 0; i < read; i++) {
                    char c = buffer[i];
                    if (c == '\n') {
                        add(line, overflow);
                        line.setLength(0);
                        overflow = false;
                    } else if (line.length() < maxChars + SLACK) {
                        line.append(c);
                    } else {
                        overflow = true;
                    }
                }
            }
            if (line.length() > 0 || overflow) {
                add(line, overflow);
            }
        } catch (IOException streamClosed) {
            // the process went away (or was killed): keep what was read so far
        }
    }

    /** @param overflow true when characters past {@code maxChars + SLACK} were dropped from this line */
    private void add(StringBuilder line, boolean overflow) {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        String text = line.substring(0, end);
        if (overflow || text.length() > maxChars) {
            String masked = masking.mask(text, false, overflow);  // masked before it is cut
            boolean cut = overflow || masked.length() > maxChars;
            if (masked.length() > maxChars) {
                masked = masking.mask(masked.substring(0, maxChars), false, true);
            }
            text = masked + (cut ? CUT : "");
        }
        synchronized (this) {
            lines.addLast(text);
            chars += text.length() + 1;
            totalLines++;
            while (lines.size() > 1 && (lines.size() > maxLines || chars > maxChars)) {
                chars -= lines.removeFirst().length() + 1;
            }
        }
    }

    /**
     * The kept lines joined by newlines, secrets masked; empty when nothing was printed. When
     * earlier lines were dropped, a secret written over several lines (a key file) may begin
     * before the first kept line, so its piece there is masked too.
     */
    synchronized String text() {
        return masking.mask(String.join("\n", lines), totalLines > lines.size(), false);
    }

    /** The last complete line seen, secrets masked, or empty. */
    synchronized String lastLine() {
        return lines.isEmpty() ? "" : masking.mask(lines.getLast(), false, false);
    }

    /** How many lines the stream printed in all, kept or not. */
    synchronized long totalLines() {
        return totalLines;
    }
}
