package dev.cutover.cutover.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Issue 15 (load): a stream that resumes far back (a wall screen that slept, a script asking from 0)
 * replays the backlog a page at a time, each page written before the next is read. Reading the whole
 * backlog first held it all in memory (ten streams of 100,000 events took the heap past 1 GiB in
 * bench/load.sh) and kept the stream silent until the last page was read.
 */
class EventStreamReplayTest {

    private static final int BACKLOG = 1_700;

    @Test
    void theBacklogIsReadAPageAtATimeAndEachPageIsWrittenBeforeTheNextIsRead() {
        AtomicInteger sent = new AtomicInteger();
        List<Integer> unsentAtEachRead = new ArrayList<>();
        List<Long> readAfter = new ArrayList<>();
        SseEmitter emitter = new SseEmitter() {
            @Override
            public void send(Set<DataWithMediaType> items) {
                items.forEach(item -> sent.addAndGet(new String((byte[]) item.getData(), java.nio.charset.StandardCharsets.UTF_8)
                        .split("\n\n").length)); // the frames go out as bytes
            }
        };
        EventStreamClient client = new EventStreamClient(emitter, 10, 0, Set.of(), false, gone -> { });
        AtomicInteger read = new AtomicInteger();

        client.deliver(after -> {
            readAfter.add(after);
            unsentAtEachRead.add(read.get() - sent.get());
            List<SseFrame> page = LongStream.rangeClosed(after + 1, Math.min(BACKLOG, after + EventStreamClient.REPLAY_PAGE))
                    .mapToObj(id -> SseFrame.of(id, "cutover-event", "{\"id\":" + id + "}")).toList();
            read.addAndGet(page.size());
            if (page.size() < EventStreamClient.REPLAY_PAGE) {
                client.close(); // the test's end: no live events follow
            }
            return page;
        });

        assertThat(readAfter).as("one query per page of %d, each after the last id of the one before",
                EventStreamClient.REPLAY_PAGE).containsExactly(0L, 500L, 1000L, 1500L);
        assertThat(unsentAtEachRead).as("frames read but not yet written when the next page is read").containsOnly(0);
        assertThat(sent.get()).isEqualTo(BACKLOG);
    }
}
