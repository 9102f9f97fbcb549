package dev.cutover.cutover.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

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
}
