package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Live progress counts every streamed byte once: before its chunk commits, or in the manifest after. */
class SyncProgressTest {

    private final SyncProgress progress = new SyncProgress();

    @Test
    void aCommitTakesBackOnlyWhatItCountedSoCopiesAheadOfTheNextChunkStayVisible() {
        progress.streamed(7, 300); // an object of the chunk being written
        progress.streamed(7, 200); // an object of a later chunk, copied ahead
        progress.committed(7, 300);

        assertThat(progress.inFlightBytes(7)).isEqualTo(200);
    }

    @Test
    void aFailedAttemptIsTakenBackAndAnEndedRunHasNothingInFlight() {
        progress.streamed(7, 100);
        progress.streamed(7, -100); // the attempt failed: its bytes are not copied
        assertThat(progress.inFlightBytes(7)).isZero();

        progress.streamed(7, 50);
        progress.streamed(8, 40);
        progress.ended(7);
        assertThat(progress.inFlightBytes(7)).isZero();
        assertThat(progress.inFlightBytes(8)).isEqualTo(40);
    }
}
