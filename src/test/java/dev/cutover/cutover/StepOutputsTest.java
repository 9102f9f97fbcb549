package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

class StepOutputsTest {

    private static final String OUTPUT = """
            {"summary":"waited 800 ms","progress":null,"evidence":{"waitedMs":801,"lossless-rollback":true,
            "why":"é ünïcode \\n line","ratio":0.25,"big":12345678901234,"nested":{"list":[1,"two",{"three":3},[]]}},
            "figures":{"heldBy":["a","b"]}}""";

    private final JsonMapper json = JsonMapper.builder().build();
    private final StepOutputs outputs = new StepOutputs(json);

    @Test
    void aParsedOutputWritesTheSameJsonAsAPlainParse() {
        Map<String, Object> plain = json.readValue(OUTPUT, new TypeReference<Map<String, Object>>() { });

        Map<String, Object> kept = outputs.parse(OUTPUT);

        assertThat(json.writeValueAsString(kept)).isEqualTo(json.writeValueAsString(plain));
        assertThat(kept).isEqualTo(plain);
    }

    @Test
    void theSameTextIsParsedOnceAndNobodyCanChangeWhatIsShared() {
        Map<String, Object> first = outputs.parse(OUTPUT);

        assertThat(outputs.parse(new String(OUTPUT.toCharArray()))).isSameAs(first); // equal text, another String
        assertThatThrownBy(() -> first.put("summary", "changed")).isInstanceOf(UnsupportedOperationException.class);
        Map<?, ?> evidence = (Map<?, ?>) first.get("evidence");
        List<?> list = (List<?>) ((Map<?, ?>) evidence.get("nested")).get("list");
        assertThatThrownBy(() -> list.clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void noOutputIsAnEmptyMapAndAChangedOutputIsParsedAgain() {
        assertThat(outputs.parse(null)).isEmpty();
        assertThat(outputs.parse("{\"progress\":\"1 of 3\"}")).containsEntry("progress", "1 of 3");
        assertThat(outputs.parse("{\"progress\":\"2 of 3\"}")).containsEntry("progress", "2 of 3");
    }
}
