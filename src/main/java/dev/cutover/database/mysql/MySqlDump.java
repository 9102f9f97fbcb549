package dev.cutover.database.mysql;

import dev.cutover.DaemonThreads;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs the server's own dump tool and streams its output straight into an object store: the tool's
 * stdout is read ahead by up to 8 MiB and uploaded part by part ({@link ObjectStore#putStream}), so
 * neither memory nor local disk ever holds the dump. A tool that fails or is stopped fails the upload
 * before the object is completed: no partial snapshot is ever stored.
 */
final class MySqlDump {

    private static final int READ_AHEAD_MIB = 8;

    /** What was stored and the source position the dump is consistent with. */
    record Taken(StoredObject object, String position, List<String> command) {
    }

    private MySqlDump() {
    }

    static Taken take(MySqlSettings source, DumpTool tool, List<String> databases, ObjectStore store, String key,
                      BooleanSupplier stopRequested) throws IOException {
        List<String> command = tool.dumpCommand(source, databases);
        try (ToolProcess dump = ToolProcess.start(command, source.password());
             Watchdog ignored = new Watchdog(dump, stopRequested)) {
            DumpPosition watched = new DumpPosition(new ReadAhead(dump.stdout(), READ_AHEAD_MIB, tool.dumpName()));
            StoredObject stored;
            try (InputStream data = new CompletionCheck(watched, tool)) {
                stored = store.putStream(key, data, new PutOptions(null, Map.of("cutover-snapshot", "mysql",
                        "cutover-databases", String.join(",", databases)), "application/sql"));
            } catch (ObjectStoreException | java.io.UncheckedIOException e) {
                if (stopRequested.getAsBoolean()) {
                    throw new IOException("the snapshot was stopped before it completed; nothing was stored", e);
                }
                throw new IOException(tool.dumpName() + " of " + databases + " on " + source.name() + " into "
                        + key + " failed: " + e.getMessage(), e);
            }
            return new Taken(stored, watched.position(), command);
        }
    }

    /** Fails the end of the stream unless the tool wrote its closing line, so a cut dump is never completed. */
    private static final class CompletionCheck extends java.io.FilterInputStream {
        private final DumpPosition watched;
        private final DumpTool tool;

        CompletionCheck(DumpPosition watched, DumpTool tool) {
            super(watched);
            this.watched = watched;
            this.tool = tool;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n < 0 && !watched.completed()) {
                throw new IOException(tool.dumpName() + " ended without its '-- Dump completed' line");
            }
            return n;
        }
    }

    /** Ends the tool when an operator stops the step; the upload then fails instead of completing. */
    private static final class Watchdog implements AutoCloseable {
        private final Thread thread;

        Watchdog(ToolProcess process, BooleanSupplier stopRequested) {
            thread = DaemonThreads.named("snapshot-watchdog").newThread(() -> {
                try {
                    while (process.handle().isAlive()) {
                        if (stopRequested.getAsBoolean()) {
                            process.close();
                            return;
                        }
                        Thread.sleep(250);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            thread.start();
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
