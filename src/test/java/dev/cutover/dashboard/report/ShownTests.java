package dev.cutover.dashboard.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How the report shows a step's evidence: nested as deep as it is, long values cut and said so. */
class ShownTests {

    @Test
    void nestedMapsAndListsBecomeNestedTablesAndLists() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("samples", List.of(Map.of("lagSeconds", 0.4, "pass", true), Map.of("lagSeconds", 3.2, "pass", false)));
        evidence.put("positions", Map.of("source", Map.of("gtid", "0-1-42")));
        evidence.put("heldBy", List.of("lag", "count"));

        Shown shown = Shown.of(evidence);

        assertThat(shown.table()).isTrue();
        assertThat(shown.entries()).extracting(Shown.Entry::name).containsExactly("samples", "positions", "heldBy");
        Shown samples = shown.entries().get(0).value();
        assertThat(samples.list()).isTrue();
        assertThat(samples.shortList()).as("a list of tables is not a line of text").isFalse();
        assertThat(samples.items()).allSatisfy(item -> assertThat(item.table()).isTrue());
        Shown gtid = shown.entries().get(1).value().entries().get(0).value().entries().get(0).value();
        assertThat(gtid.text()).isEqualTo("0-1-42");
        assertThat(shown.entries().get(2).value().joined()).isEqualTo("lag, count");
    }

    @Test
    void longTextKeepsItsHeadAndSaysWhatWasCut() {
        String output = "line\n".repeat(500);
        Shown shown = Shown.of(output);
        assertThat(shown.text()).hasSizeLessThan(output.length()).startsWith("line\nline\n")
                .endsWith("[2100 more characters, 420 more lines in the event log]");
        assertThat(shown.multiline()).isTrue();
    }

    @Test
    void longListsShowTheirFirstItemsAndHowManyMore() {
        Shown shown = Shown.of(IntStream.range(0, 10_000).mapToObj(i -> "key-" + i).toList());
        assertThat(shown.items()).hasSize(Shown.MAX_ITEMS);
        assertThat(shown.more()).isEqualTo(10_000 - Shown.MAX_ITEMS);
        assertThat(shown.joined()).startsWith("key-0, key-1, ").endsWith("key-19, … 9980 more");
    }

    @Test
    void emptyAndMissingValuesSaySo() {
        assertThat(Shown.of(Map.of()).text()).isEqualTo("none");
        assertThat(Shown.of("").text()).isEqualTo("(empty)");
        assertThat(Shown.of(null).text()).isEqualTo("—");
    }
}
