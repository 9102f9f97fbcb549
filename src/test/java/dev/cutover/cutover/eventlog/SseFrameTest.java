package dev.cutover.cutover.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseFrameTest {

    @Test
    void anEventOfTheLogCarriesItsIdAndItsJsonInOneDataLine() {
        assertThat(SseFrame.of(42, "cutover-event", "{\"id\":42}").text())
                .isEqualTo("id:42\nevent:cutover-event\ndata:{\"id\":42}\n\n");
    }

    @Test
    void htmlWithLineBreaksGoesInOneDataFieldPerLineKeepingItsIndentation() {
        SseFrame frame = SseFrame.of(0, "live-parts", "<div>\n  <p>x</p>\r\n</div>");
        // no id: a frame outside the log must not move the client's Last-Event-ID
        assertThat(frame.text()).isEqualTo("event:live-parts\ndata:<div>\ndata:   <p>x</p>\ndata:</div>\n\n");
        assertThat(frame.id()).isZero();
    }

    @Test
    void jsonAlreadyInUtf8MakesTheSameBytesAsItsText() {
        String event = "{\"id\":7,\"message\":\"ünïcode — \\n escaped\",\"evidence\":{\"a\":1}}";

        SseFrame fromBytes = SseFrame.ofJson(7, "cutover-event", event.getBytes(StandardCharsets.UTF_8));

        assertThat(fromBytes.bytes()).isEqualTo(SseFrame.of(7, "cutover-event", event).bytes());
        assertThat(fromBytes.text()).isEqualTo("id:7\nevent:cutover-event\ndata:" + event + "\n\n");
        assertThat(SseFrame.ofJson(0, "gate-sample", "{}".getBytes(StandardCharsets.UTF_8)).text())
                .isEqualTo("event:gate-sample\ndata:{}\n\n");
    }

    @Test
    void rawJsonWithLineBreaksStillGetsOneDataFieldPerLine() {
        // stored evidence goes out raw, and nothing stops it from having been pretty-printed
        String event = "{\"evidence\":{\n  \"a\":1\r\n}}";

        assertThat(SseFrame.ofJson(3, "cutover-event", event.getBytes(StandardCharsets.UTF_8)).text())
                .isEqualTo("id:3\nevent:cutover-event\ndata:{\"evidence\":{\ndata:   \"a\":1\ndata:}}\n\n");
    }

    @Test
    void framesWithTheSameBytesAreTheSame() {
        assertThat(SseFrame.of(0, "live-parts", "<p>x</p>").sameAs(SseFrame.of(0, "live-parts", "<p>x</p>"))).isTrue();
        assertThat(SseFrame.of(0, "live-parts", "<p>x</p>").sameAs(SseFrame.of(0, "live-parts", "<p>y</p>"))).isFalse();
        assertThat(SseFrame.of(0, "live-parts", "<p>x</p>").sameAs(null)).isFalse();
    }
}
