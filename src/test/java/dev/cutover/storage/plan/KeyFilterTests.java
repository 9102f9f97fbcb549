package dev.cutover.storage.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeyFilterTests {

    private static final String NON_ASCII = "big/twenty MiB #1 \u00e9+%.bin";

    @Test
    void withoutGlobsEveryKeyPasses() {
        KeyFilter all = KeyFilter.all();
        assertThat(List.of("a", "logs/", NON_ASCII, "./x", "x/../y", "", "//double")).allMatch(all);
    }

    @Test
    void aSingleStarStaysWithinOneSegmentAndADoubleStarCrossesThem() {
        KeyFilter images = KeyFilter.of(List.of("img/*.png"), List.of());
        assertThat(images.test("img/a.png")).isTrue();
        assertThat(images.test("img/sub/a.png")).isFalse();
        assertThat(images.test("img/a.jpg")).isFalse();

        KeyFilter deep = KeyFilter.of(List.of("img/**"), List.of());
        assertThat(deep.test("img/sub/a.png")).isTrue();
        assertThat(deep.test("imgx/a.png")).isFalse();

        KeyFilter anyTmp = KeyFilter.of(List.of(), List.of("**.tmp"));
        assertThat(anyTmp.test("a/b/c.tmp")).isFalse();
        assertThat(anyTmp.test("c.tmp")).isFalse();
        assertThat(anyTmp.test("c.tmpx")).isTrue();
    }

    @Test
    void aQuestionMarkIsOneCharacterOfASegment() {
        KeyFilter filter = KeyFilter.of(List.of("log-?.txt"), List.of());
        assertThat(filter.test("log-1.txt")).isTrue();
        assertThat(filter.test("log-\u00e9.txt")).isTrue();
        assertThat(filter.test("log-12.txt")).isFalse();
        assertThat(filter.test("log-/.txt")).isFalse();
    }

    @Test
    void alternativesAndLiteralCharactersOfAKey() {
        KeyFilter filter = KeyFilter.of(List.of("{img,css}/**", "a+b (1)$.txt"), List.of());
        assertThat(filter.test("img/x")).isTrue();
        assertThat(filter.test("css/y/z")).isTrue();
        assertThat(filter.test("js/x")).isFalse();
        assertThat(filter.test("a+b (1)$.txt")).isTrue();
        assertThat(filter.test("aab (1)$.txt")).isFalse();
    }

    @Test
    void excludingAFolderAlsoExcludesItsFolderMarker() {
        KeyFilter noLogs = KeyFilter.of(List.of(), List.of("logs/**"));
        assertThat(noLogs.test("logs/")).isFalse();
        assertThat(noLogs.test("logs/2026/11/1.log")).isFalse();
        assertThat(noLogs.test("logs")).as("an object named logs is not under logs/").isTrue();
    }

    @Test
    void keysAreNotNormalisedAsPaths() {
        KeyFilter noLogs = KeyFilter.of(List.of(), List.of("logs/**"));
        assertThat(noLogs.test("./logs/x")).as("./logs/x is its own key").isTrue();
        assertThat(noLogs.test("x/../logs/x")).isTrue();
        KeyFilter onlyLogs = KeyFilter.of(List.of("logs/**"), List.of());
        assertThat(onlyLogs.test("./logs/x")).isFalse();
        assertThat(onlyLogs.test("x/../logs/x")).isFalse();
        assertThat(onlyLogs.test("logs//x")).isTrue();
    }

    @Test
    void nonAsciiKeysMatchAsTheStringsTheyAre() {
        assertThat(KeyFilter.of(List.of("big/**"), List.of()).test(NON_ASCII)).isTrue();
        assertThat(KeyFilter.of(List.of(), List.of("**\u00e9+%.bin")).test(NON_ASCII)).isFalse();
        String astral = "emoji/\uD83D\uDE00.png";
        assertThat(KeyFilter.of(List.of("emoji/?.png"), List.of()).test(astral)).isTrue();
        assertThat(KeyFilter.of(List.of("emoji/\uD83D\uDE00*"), List.of()).test(astral)).isTrue();
    }

    /**
     * A service started without a UTF-8 locale ({@code LC_ALL=C}: the JVM's path encoding is
     * ASCII) must still filter non-ASCII keys: keys are strings, never file paths. Surefire's JVM
     * has this machine's locale, so the check runs in a child JVM started with {@code LC_ALL=C}.
     */
    @Test
    void filtersANonAsciiKeyInAJvmWithoutAUtf8Locale() throws Exception {
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AsciiLocaleCheck.class.getName())
                .redirectErrorStream(true);
        child.environment().keySet().removeIf(name -> name.startsWith("LC_") || name.equals("LANG"));
        child.environment().put("LC_ALL", "C");
        Process process = child.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).as(output).contains("path encoding ANSI_X3.4-1968").contains("all=true include=true exclude=false");
        assertThat(process.exitValue()).as(output).isZero();
    }

    /** Run by {@link #filtersANonAsciiKeyInAJvmWithoutAUtf8Locale} in a child JVM. */
    public static final class AsciiLocaleCheck {
        public static void main(String[] args) {
            String key = "big/twenty MiB #1 \u00e9+%.bin";
            System.out.println("path encoding " + System.getProperty("sun.jnu.encoding"));
            System.out.println("all=" + KeyFilter.all().test(key)
                    + " include=" + KeyFilter.of(List.of("big/**"), List.of()).test(key)
                    + " exclude=" + KeyFilter.of(List.of(), List.of("big/*")).test(key));
        }
    }

}
