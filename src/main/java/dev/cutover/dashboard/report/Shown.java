package dev.cutover.dashboard.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A value of a step's evidence as a person reads it: a table of named values, a list, or a line of
 * text, nested as deep as the evidence is. Long text is cut (head kept, the cut said in words) and
 * long lists show their first items and how many more there are, so a command's output or a list of
 * ten thousand keys never buries the rest of the report; the whole value stays in the event log and
 * in the report's JSON.
 */
public record Shown(Kind kind, String text, List<Entry> entries, List<Shown> items, int more) {

    public enum Kind { TABLE, LIST, TEXT, EMPTY }

    /** One row of a table: a name and its value. */
    public record Entry(String name, Shown value) {
    }

    static final int MAX_TEXT = 400;
    static final int MAX_ITEMS = 20;
    private static final int MAX_DEPTH = 6;

    public static Shown of(Object value) {
        return of(value, 0);
    }

    private static Shown of(Object value, int depth) {
        if (value == null) {
            return text("—");
        }
        if (depth >= MAX_DEPTH && (value instanceof Map<?, ?> || value instanceof List<?>)) {
            return text(cut(String.valueOf(value)));
        }
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                return new Shown(Kind.EMPTY, "none", List.of(), List.of(), 0);
            }
            List<Entry> entries = new ArrayList<>();
            map.forEach((name, inner) -> entries.add(new Entry(String.valueOf(name), of(inner, depth + 1))));
            return new Shown(Kind.TABLE, null, entries, List.of(), 0);
        }
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                return new Shown(Kind.EMPTY, "none", List.of(), List.of(), 0);
            }
            List<Shown> items = list.stream().limit(MAX_ITEMS).map(item -> of(item, depth + 1)).toList();
            return new Shown(Kind.LIST, null, List.of(), items, Math.max(0, list.size() - MAX_ITEMS));
        }
        String text = String.valueOf(value);
        return text.isEmpty() ? new Shown(Kind.EMPTY, "(empty)", List.of(), List.of(), 0) : text(cut(text));
    }

    private static Shown text(String text) {
        return new Shown(Kind.TEXT, text, List.of(), List.of(), 0);
    }

    /** Keeps the head of a long text and says how much was cut, in characters and lines. */
    static String cut(String text) {
        if (text.length() <= MAX_TEXT) {
            return text;
        }
        String kept = text.substring(0, MAX_TEXT);
        // Never end on half of a surrogate pair.
        if (Character.isHighSurrogate(kept.charAt(kept.length() - 1))) {
            kept = kept.substring(0, kept.length() - 1);
        }
        String rest = text.substring(kept.length());
        long lines = rest.chars().filter(c -> c == '\n').count();
        return kept + " … [" + rest.length() + " more characters" + (lines > 0 ? ", " + lines + " more lines" : "")
                + " in the event log]";
    }

    public boolean table() {
        return kind == Kind.TABLE;
    }

    public boolean list() {
        return kind == Kind.LIST;
    }

    /** A list of short texts reads best on one line, comma-separated. */
    public boolean shortList() {
        return kind == Kind.LIST && items.stream().allMatch(i -> i.kind == Kind.TEXT && i.text.length() <= 60)
                && items.stream().mapToInt(i -> i.text.length()).sum() <= 160;
    }

    public String joined() {
        return String.join(", ", items.stream().map(Shown::text).toList()) + (more > 0 ? ", … " + more + " more" : "");
    }

    public boolean plain() {
        return kind == Kind.TEXT || kind == Kind.EMPTY;
    }

    /** A text with several lines (a command's output) is shown preformatted. */
    public boolean multiline() {
        return kind == Kind.TEXT && text.contains("\n");
    }
}
