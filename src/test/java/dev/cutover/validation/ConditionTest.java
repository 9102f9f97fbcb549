package dev.cutover.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConditionTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "< 0.01   | 0.009 | true",
            "< 0.01   | 0.01  | false",
            "<= 250   | 250   | true",
            "<= 250   | 250.1 | false",
            "> 0.05   | 0.06  | true",
            "> 0.05   | 0.05  | false",
            ">= 1e3   | 1000  | true",
            "== 0     | 0     | true",
            "== 0     | 0.1   | false",
            "!= 1     | 2     | true",
            "!= 1     | 1     | false",
            "<-1.5    | -2    | true",
            "'  >=  .5 ' | 0.5 | true"})
    void comparesTheValueWithTheNumber(String text, double value, boolean holds) {
        assertThat(Condition.of(text).holds(value)).isEqualTo(holds);
    }

    @Test
    void notANumberMeetsNoCondition() {
        assertThat(Condition.of("!= 0").holds(Double.NaN)).isTrue();  // NaN is reported as no data before a condition sees it
        assertThat(Condition.of("< 1").holds(Double.NaN)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0.01", "<", "=< 3", "=> 3", "= 3", "< one", "< 0.01 or > 5", "less than 3", "<< 3", "< 1,5"})
    void textThatIsNotAConditionSaysHowToWriteOne(String text) {
        StringBuilder problem = new StringBuilder();
        Optional<Condition> condition = Condition.parse(text, problem);
        assertThat(condition).isEmpty();
        assertThat(problem.toString()).isEqualTo("'" + text + "' is not a condition: write an operator (<, <=, >, >=, == or !=) "
                + "and a number, e.g. \"< 0.01\" or \"<= 250\"");
    }

    @Test
    void aConditionShowsAsWritten() {
        assertThat(Condition.of("  <=0.25").toString()).isEqualTo("<= 0.25");
    }
}
