package dev.cutover.storage.plan;

import dev.cutover.storage.KeyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the target's key ranges begin and end, taken from the source listing as it is read ahead:
 * bound 0 is the plan's start (exclusive), then every {@code every}-th source key that passes the
 * filter. Range i is (bound i, bound i+1], the last one open-ended. Written by the source's
 * read-ahead thread; read by the merge-join (to open ranges) and the range threads (to find their
 * end). A range opens as soon as its start is known; until its end is, the source keys read so far
 * tell its thread which listed keys are surely inside.
 */
final class SplitKeys {

    /** What a range thread learnt: its end (null: open-ended) once {@code endKnown}, else a source key below it. */
    record Progress(boolean endKnown, String end, String sourceRead) {
    }

    private final int every;
    private final List<String> bounds = new ArrayList<>();
    /** Bounds before this index were released (their ranges are done). */
    private int released;
    private long counted;
    /** The last source key read (or the start); the next bound, when there is one, sorts after it. */
    private String sourceRead;
    private boolean ended;
    private int waiting;

    /** @param every source keys per range; 0 means one open-ended range */
    SplitKeys(String startAfter, int every) {
        this.every = every;
        this.bounds.add(startAfter);
        this.sourceRead = startAfter;
        this.ended = every <= 0;
    }

    /**
     * The source read-ahead has read {@code key}; one that passes the filter counts toward the next
     * bound. Progress and bound are published together, so a range thread never takes its end key
     * for an inner one (and pulls a key past it).
     */
    synchronized void read(String key, boolean passesFilter) {
        if (sourceRead != null && KeyOrder.compare(key, sourceRead) <= 0) {
            // Misordered (the merge-join refuses the listing when it gets there): no bound from here on, so
            // every bound stays above every source key read before it.
            end();
            return;
        }
        sourceRead = key;
        if (passesFilter && !ended && ++counted % every == 0) {
            bounds.add(key);
        }
        if (waiting > 0) {
            notifyAll();
        }
    }

    /** No more bounds: the source listing ended, failed or was closed. The last range is open-ended. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** Whether the number of bounds is final; read it before {@link #known()} so that the pair is consistent. */
    synchronized boolean ended() {
        return ended;
    }

    /** How many bounds are known: ranges below this index may be opened. */
    synchronized int known() {
        return released + bounds.size();
    }

    synchronized String bound(int index) {
        return bounds.get(index - released);
    }

    /** Forgets bounds below {@code index}: the ranges that needed them are done. */
    synchronized void release(int index) {
        int drop = Math.min(index - released, bounds.size());
        if (drop > 0) {
            bounds.subList(0, drop).clear();
            released += drop;
        }
    }

    /**
     * For range {@code range}'s thread, which listed {@code key}: waits until the range's end is known
     * or the source has been read up to {@code key} (then the key is inside the range).
     */
    synchronized Progress await(int range, String key) throws InterruptedException {
        while (true) {
            int end = range + 1 - released;
            if (end < bounds.size()) {
                return new Progress(true, bounds.get(end), sourceRead);
            }
            if (ended) {
                return new Progress(true, null, sourceRead);
            }
            if (sourceRead != null && KeyOrder.compare(key, sourceRead) <= 0) {
                return new Progress(false, null, sourceRead);
            }
            waiting++;
            try {
                wait();
            } finally {
                waiting--;
            }
        }
    }
}
