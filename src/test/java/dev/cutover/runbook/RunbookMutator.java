package dev.cutover.runbook;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of real runbooks: lines dropped, repeated, swapped and re-indented, values and
 * keys replaced by YAML's sharp edges (tags, aliases, anchors, flow brackets, huge numbers, bad
 * durations, secret references of every wrong shape, control characters, long strings), texts cut
 * short. Starting from valid runbooks keeps most inputs deep enough to reach every step type's
 * validation rather than stopping at the first syntax error. Same seed, same inputs.
 */
final class RunbookMutator {

    private static final List<String> TOKENS = List.of("", "null", "~", "-1", "0", "1e400", "99999999999999999999",
            "0x1F", "1h", "0s", "-5m", "10y", "1.5", "true", "yes", "\"\"", "''", "${env:}", "${env:X", "${file:/etc/shadow}",
            "${vault:x}", "${env:A}${env:B}", "&a", "*a", "*nope", "&a [1, *a]", "<<: *a", "!!binary AAAA",
            "!!java.lang.Object", "!custom x", "!!map {}", "[", "]", "{", "}", "[[]]", "{a: {b: {c: []}}}", ",", "- ", ": ",
            "? ", "#", "|", ">", "\t", "\u0000", "\u202e", "\ufeff", "é", "💥", "%YAML 1.1", "---", "...", "'", "\"", "\\",
            "[a, b]", "{x: 1}", "- - -", "http://", "127.0.0.1:99999", "rollback", "none", "PT5M", "1h30", "5 s", "*/2");
    private static final List<String> KEYS = List.of("name", "id", "type", "with", "rollback", "steps", "phases",
            "environments", "connections", "timeout", "retries", "owner", "escalation", "onFailure", "autoResume",
            "pointOfNoReturn",
            "window", "notify", "description", "connection", "source", "target", "mode", "record", "queries", "pass",
            "failWhen", "for", "interval", "noData", "values", "tables", "databases", "url", "password", "schedule",
            "exclude", "maxLag", "routes", "channels", "events", "run", "env", "tag", "strategy");

    private final List<String> seeds;
    private final Random random;

    RunbookMutator(List<String> seeds, long seed) {
        this.seeds = List.copyOf(seeds);
        this.random = new Random(seed);
    }

    String next() {
        String seed = seeds.get(random.nextInt(seeds.size()));
        List<String> lines = new ArrayList<>(seed.lines().toList());
        int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations && !lines.isEmpty(); i++) {
            mutate(lines);
        }
        String text = String.join("\n", lines) + (random.nextBoolean() ? "\n" : "");
        return random.nextInt(20) == 0 ? text.substring(0, random.nextInt(text.length() + 1)) : text;
    }

    private void mutate(List<String> lines) {
        int at = random.nextInt(lines.size());
        String line = lines.get(at);
        switch (random.nextInt(10)) {
            case 0 -> {
                if (lines.size() > 1) {
                    lines.remove(at);
                }
            }
            case 1 -> lines.add(at, lines.get(random.nextInt(lines.size())));
            case 2 -> {
                if (at + 1 < lines.size()) {
                    lines.set(at, lines.get(at + 1));
                    lines.set(at + 1, line);
                }
            }
            case 3 -> lines.set(at, random.nextBoolean() ? "  " + line : line.replaceFirst("^ {1,2}", ""));
            case 4 -> lines.set(at, replaceValue(line, token()));
            case 5 -> {
                int column = random.nextInt(line.length() + 1);
                lines.set(at, line.substring(0, column) + token() + line.substring(column));
            }
            case 6 -> {
                int from = random.nextInt(line.length() + 1);
                int to = Math.min(line.length(), from + random.nextInt(12));
                lines.set(at, line.substring(0, from) + line.substring(to));
            }
            case 7 -> lines.set(at, line.replaceFirst("[A-Za-z][A-Za-z-]*(?=:)", KEYS.get(random.nextInt(KEYS.size()))));
            case 8 -> lines.set(at, replaceValue(line, random.nextBoolean() ? "[" + value(line) + "]"
                    : "{ " + KEYS.get(random.nextInt(KEYS.size())) + ": " + value(line) + " }"));
            default -> lines.add(at, " ".repeat(random.nextInt(8)) + KEYS.get(random.nextInt(KEYS.size())) + ": " + token());
        }
    }

    private String token() {
        if (random.nextInt(25) == 0) {
            return "x".repeat(1 + random.nextInt(20_000));
        }
        return TOKENS.get(random.nextInt(TOKENS.size()));
    }

    private static String value(String line) {
        int colon = line.indexOf(": ");
        return colon < 0 ? line.strip() : line.substring(colon + 2);
    }

    private static String replaceValue(String line, String value) {
        int colon = line.indexOf(": ");
        return colon < 0 ? line + ": " + value : line.substring(0, colon + 2) + value;
    }
}
