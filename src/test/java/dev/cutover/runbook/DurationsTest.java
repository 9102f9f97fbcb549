package dev.cutover.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "250ms, PT0.25S",
            "30s, PT30S",
            "5m, PT5M",
            "6h, PT6H",
            "1d, PT24H",
            "1h30m, PT1H30M",
            "1d2h3m4s5ms, PT26H3M4.005S",
            "PT5M, PT5M",
            "pt1h30m, PT1H30M",
            "P1D, PT24H",
            "0s, PT0S"
    })
    void parsesShortAndIsoForms(String text, String expected) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5 minutes", "5M", "1.5h", "-5m", "30m1h", "5m5m", "h", "PT", "-PT5M", "99999999999999999999d"})
    void rejectsWhatIsNotADuration(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text)).withMessageContaining(text);
    }

    @Test
    void explainsAMissingUnit() {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("60"))
                .withMessage("'60' is not a duration: it has no unit; write e.g. 60s or 60m");
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(" "))
                .withMessageContaining("missing");
    }

    @Test
    void formatsTheWayRunbooksWriteDurations() {
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.format(Duration.ofDays(1).plusSeconds(1))).isEqualTo("1d1s");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.parse(Durations.format(Duration.ofSeconds(3725)))).isEqualTo(Duration.ofSeconds(3725));
    }
}
