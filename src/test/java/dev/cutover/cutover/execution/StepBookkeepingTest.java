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
        bookkeeping.post("a note", () -> {
            await(slowWrite);
            written.add("note");
        });

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(500);
        assertThat(written).isEmpty();
        slowWrite.countDown();
        bookkeeping.awaitPosted();
        assertThat(written).containsExactly("note");
    }

    @Test
    void notesAreWrittenInTheOrderPostedAndBeforeAnythingWrittenAfterThem() {
        bookkeeping.post("first", () -> {
            Api.sleep(150);
            written.add("progress 1");
        });
        bookkeeping.post("second", () -> written.add("progress 2"));
        bookkeeping.run(() -> written.add("approval request"));

        assertThat(written).containsExactly("progress 1", "progress 2", "approval request");
    }

    @Test
    void progressPostedFasterThanItIsWrittenKeepsOnlyTheNewest() {
        CountDownLatch busy = new CountDownLatch(1);
        bookkeeping.post("a slow note", () -> await(busy));
        for (int i = 0; i < 100_000; i++) {
            int n = i;
            bookkeeping.postNewest("cutover/step", "progress " + n, () -> written.add("progress " + n));
        }
        busy.countDown();

        bookkeeping.awaitPosted();

        assertThat(written).containsExactly("progress 99999");
    }

    @Test
    void aNoteThatFailsIsLoggedAndTheNextOnesStillWritten() {
        bookkeeping.post("a broken note", () -> {
            throw new IllegalStateException("database gone for a moment");
        });
        bookkeeping.post("the next note", () -> written.add("next"));

        bookkeeping.awaitPosted();

        assertThat(written).containsExactly("next");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
