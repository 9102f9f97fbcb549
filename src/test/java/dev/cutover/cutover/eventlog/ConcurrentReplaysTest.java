package dev.cutover.cutover.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.cutover.cutover.CutoverTransitions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEventPublisher;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 15 (load): streams that replay a long backlog at once read the event log a few pages at a
 * time, so they leave the cores to the API's requests (bench/load.sh: ten replays of 100,000 events
 * each took the p99 of a cutover's GET to a second); and every replay still reaches its end.
 */
class ConcurrentReplaysTest {

    private static final int STREAMS = 6;
    private static final int FULL_PAGES = 3;

    private final AtomicInteger reading = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final Map<String, AtomicInteger> pagesRead = new ConcurrentHashMap<>();

    @Test
    void replaysOfLongBacklogsReadTheLogAFewPagesAtATimeAndEachReachesItsEnd() throws Exception {
        EventLog log = mock(EventLog.class);
        when(log.storedPage(anyString(), anyLong(), anyInt())).thenAnswer(call -> page(call.getArgument(0), call.getArgument(1)));
        CutoverEventStream streams = new CutoverEventStream(mock(CutoverTransitions.class), log, new LongReads(),
                JsonMapper.builder().build(), mock(ApplicationEventPublisher.class));
        try {
            for (int i = 0; i < STREAMS; i++) {
                streams.open("cutover-" + i, 0, Set.of(), false);
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (pagesRead.values().stream().mapToInt(AtomicInteger::get).sum() < STREAMS * (FULL_PAGES + 1)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            streams.completeStreams();
        }

        assertThat(pagesRead).hasSize(STREAMS).allSatisfy((cutover, pages) ->
                assertThat(pages.get()).as("pages read for %s: its full pages and the short last one", cutover)
                        .isEqualTo(FULL_PAGES + 1));
        assertThat(mostAtOnce.get()).as("replay pages read at once").isBetween(1, LongReads.AT_ONCE);
    }

    /** {@value #FULL_PAGES} full pages of the cutover's backlog, then an empty one; each read takes a moment. */
    private List<StoredEvent> page(String cutover, long after) throws InterruptedException {
        int now = reading.incrementAndGet();
        mostAtOnce.accumulateAndGet(now, Math::max);
        try {
            Thread.sleep(15);
            int index = pagesRead.computeIfAbsent(cutover, c -> new AtomicInteger()).getAndIncrement();
            if (index >= FULL_PAGES) {
                return List.of();
            }
            return LongStream.rangeClosed(after + 1, after + EventStreamClient.REPLAY_PAGE)
                    .mapToObj(id -> new StoredEvent(id, cutover, Instant.EPOCH, "run", "s", "test", null, "step",
                            "succeeded", "replayed", "{}"))
                    .toList();
        } finally {
            reading.decrementAndGet();
        }
    }
}
