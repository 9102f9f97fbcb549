package dev.cutover.storage.sync;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.stereotype.Component;

/**
 * A sync stopped on request ends its chunk by throwing ({@link SyncCopyWriter.StoppedBetweenObjects}), and
 * Batch 6's chunk step logs that as two ERROR lines with a stack trace ("Retry exhausted ... not skippable",
 * "Rolling back chunk transaction"), which reads like a failure on cutover night. Those two lines are left
 * out on the one thread, and only between the writer's throw and its close, where a stop was just asked
 * for; the run says in one INFO line that it stopped. Every other ERROR of Batch is logged as before.
 */
@Component
class StopLogQuieting {

    private static final String CHUNK_STEP = "org.springframework.batch.core.step.item.ChunkOrientedStep";
    private static final ThreadLocal<Boolean> STOPPING = new ThreadLocal<>();

    StopLogQuieting() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.addTurboFilter(new TurboFilter() {
                @Override
                public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                                          Throwable t) {
                    return level == Level.ERROR && Boolean.TRUE.equals(STOPPING.get())
                            && CHUNK_STEP.equals(logger.getName()) ? FilterReply.DENY : FilterReply.NEUTRAL;
                }
            });
        }
    }

    /** This thread's writer is about to end its chunk because of a stop request. */
    static void stopping() {
        STOPPING.set(Boolean.TRUE);
    }

    /** This thread's writer closed: Batch's errors on it are logged again. */
    static void done() {
        STOPPING.remove();
    }
}
