package dev.cutover;

import java.util.concurrent.ThreadFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * How the service makes its own threads. All are daemons: none may keep the JVM up once the
 * context is closed. Each is named for its work, because logs, thread dumps and JFR recordings
 * show the name (and a few tests look threads up by it). It lives in the root package because
 * every module makes threads and none of the modules may use all the others.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** For a pool: threads named {@code prefix} followed by 1, 2, 3… in the order they are made. */
    public static ThreadFactory numbered(String prefix) {
        CustomizableThreadFactory factory = new CustomizableThreadFactory(prefix);
        factory.setDaemon(true);
        return factory;
    }

    /**
     * For a thread that works alone (a single-thread executor's, or one started by hand): each
     * thread is named {@code name} exactly, with no counter to read past in a thread dump.
     */
    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
