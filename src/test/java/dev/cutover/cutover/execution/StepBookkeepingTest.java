package dev.cutover.cutover.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Notes are posted and written in order; nothing written after them is ever overtaken by one. */
class StepBookkeepingTest {

    private static final String STEP = "cutover/step";

    private final StepBookkeeping bookkeeping = new StepBookkeeping();
    private final List<String> written = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        bookkeeping.destroy();
    }

    @Test
    void aPostedNoteDoesNotHoldUpTheStep() throws Exception {
        CountDownLatch slowWrite = new CountDownLatch(1);

        long started = System.nanoTime();
        bookkeeping.post(STEP, "a note", () -> {
            await(slowWrite);
            written.add("note");
        });

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(500);
        assertThat(written).isEmpty();
        slowWrite.countDown();
        bookkeeping.awaitPosted(STEP);
        assertThat(written).containsExactly("note");
    }

    @Test
    void notesAreWrittenInTheOrderPostedAndBeforeAnythingWrittenAfterThem() {
        bookkeeping.post(STEP, "first", () -> {
            Api.sleep(150);
            written.add("progress 1");
        });
        bookkeeping.post(STEP, "second", () -> written.add("progress 2"));
        bookkeeping.run(STEP, () -> written.add("approval request"));

        assertThat(written).containsExactly("progress 1", "progress 2", "approval request");
    }

    @Test
    void progressPostedFasterThanItIsWrittenKeepsOnlyTheNewest() {
        CountDownLatch busy = new CountDownLatch(1);
        bookkeeping.post(STEP, "a slow note", () -> await(busy));
        for (int i = 0; i < 100_000; i++) {
            int n = i;
            bookkeeping.postNewest(STEP, STEP, "progress " + n, () -> written.add("progress " + n));
        }
        busy.countDown();

        bookkeeping.awaitPosted(STEP);

        assertThat(written).containsExactly("progress 99999");
    }

    @Test
    void aNoteThatFailsIsLoggedAndTheNextOnesStillWritten() {
        bookkeeping.post(STEP, "a broken note", () -> {
            throw new IllegalStateException("database gone for a moment");
        });
        bookkeeping.post(STEP, "the next note", () -> written.add("next"));

        bookkeeping.awaitPosted(STEP);

        assertThat(written).containsExactly("next");
    }

    /**
     * With twenty cutovers running, a step's end waited behind every note on the queue, other steps' and
     * other cutovers' too; it waits for its own notes only, and not for those its attempt posts after.
     */
    @Test
    void aStepWaitsForItsOwnNotesOnlyNotForOtherStepsQueuedAhead() {
        CountDownLatch otherStepsNoteWritten = new CountDownLatch(1);
        bookkeeping.post("other-cutover/slow-step", "another cutover's note", () -> await(otherStepsNoteWritten));
        try {
            long started = System.nanoTime();
            bookkeeping.awaitPosted(STEP);
            bookkeeping.run(STEP, () -> written.add("outcome"));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("ms the step's end waited")
                    .isLessThan(1000);
            assertThat(written).containsExactly("outcome");
        } finally {
            otherStepsNoteWritten.countDown();
        }
    }

    /** An attempt that timed out goes on posting progress: the step's end waits for the notes before it only. */
    @Test
    void aStepsEndDoesNotWaitForNotesPostedAfterIt() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean posting = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread zombie = new Thread(() -> {
            while (posting.get()) {
                bookkeeping.postNewest(STEP, STEP, "progress", () -> Api.sleep(2));
            }
        });
        zombie.start();
        try {
            Api.sleep(100); // the queue is never empty of this step's notes from here on
            long started = System.nanoTime();
            bookkeeping.awaitPosted(STEP);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("ms the step's end waited")
                    .isLessThan(500);
        } finally {
            posting.set(false);
            zombie.join();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
