package dev.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/** The names and daemon flag the service's threads had before they were made in one place. */
class DaemonThreadsTest {

    @Test
    void aPoolsThreadsAreDaemonsNumberedFromOneAfterThePrefix() {
        ThreadFactory workers = DaemonThreads.numbered("step-worker-");
        Thread first = workers.newThread(() -> { });
        Thread second = workers.newThread(() -> { });

        assertThat(first.getName()).isEqualTo("step-worker-1");
        assertThat(second.getName()).isEqualTo("step-worker-2");
        assertThat(first.isDaemon()).isTrue();
        assertThat(second.isDaemon()).isTrue();
        assertThat(DaemonThreads.numbered("step-worker-").newThread(() -> { }).getName())
                .as("each factory counts on its own, like the counters it replaced").isEqualTo("step-worker-1");
    }

    @Test
    void aThreadThatWorksAloneIsADaemonNamedExactly() {
        ThreadFactory notes = DaemonThreads.named("step-notes");

        assertThat(notes.newThread(() -> { }).getName()).isEqualTo("step-notes");
        assertThat(notes.newThread(() -> { }).getName()).isEqualTo("step-notes");
        assertThat(notes.newThread(() -> { }).isDaemon()).isTrue();
    }
}
