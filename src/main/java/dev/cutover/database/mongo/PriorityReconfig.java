package dev.cutover.database.mongo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.bson.Document;

/**
 * The replica-set configs a promotion and its rollback submit, each one version above the current.
 * A promotion leaves marks in the members' tags (the member that was primary, the priorities
 * before): the config is where the rollback finds them again, even after the service restarted,
 * and where an operator looking at {@code rs.conf()} sees that a cutover changed it. Extra tags do
 * not change read-preference matching; they go away with the rollback or when members are retired.
 */
final class PriorityReconfig {

    static final String PRIMARY_BEFORE = "cutoverPrimaryBefore";
    static final String PRIORITY_BEFORE = "cutoverPriorityBefore";
    static final String HIDDEN_BEFORE = "cutoverHiddenBefore";
    private static final List<String> MARKS = List.of(PRIMARY_BEFORE, PRIORITY_BEFORE, HIDDEN_BEFORE);

    private PriorityReconfig() {
    }

    /** Raises the target above every other member (and unhides it), marking what it changed. */
    static Document promote(Document config, String target, String primary) {
        double top = highestPriorityExcept(config, target) + 1;
        return next(config, member -> {
            String host = member.getString("host");
            if (host.equalsIgnoreCase(primary)) {
                Document marked = mark(member, PRIMARY_BEFORE, "true");
                return mark(marked, PRIORITY_BEFORE, String.valueOf(priority(member)));
            }
            if (host.equalsIgnoreCase(target)) {
                Document marked = mark(member, PRIORITY_BEFORE, String.valueOf(priority(member)));
                marked = mark(marked, HIDDEN_BEFORE, String.valueOf(member.getBoolean("hidden", false)));
                return marked.append("priority", top).append("hidden", false);
            }
            return member;
        });
    }

    /** Raises one member above all others, marks untouched: the first half of a rollback. */
    static Document raise(Document config, String host) {
        double top = highestPriorityExcept(config, host) + 1;
        return next(config, member -> member.getString("host").equalsIgnoreCase(host)
                ? new Document(member).append("priority", top) : member);
    }

    /** Puts back every marked priority and visibility and removes the marks. */
    static Document restore(Document config) {
        return next(config, member -> {
            Document tags = member.get("tags", Document.class);
            if (tags == null || MARKS.stream().noneMatch(tags::containsKey)) {
                return member;
            }
            Document restored = new Document(member);
            if (tags.containsKey(PRIORITY_BEFORE)) {
                restored.append("priority", Double.parseDouble(tags.getString(PRIORITY_BEFORE)));
            }
            if (tags.containsKey(HIDDEN_BEFORE)) {
                restored.append("hidden", Boolean.parseBoolean(tags.getString(HIDDEN_BEFORE)));
            }
            return unmark(restored);
        });
    }

    /** Leaves one member out and clears the marks: after it, the promotion cannot be undone. */
    static Document without(Document config, String host) {
        Document next = next(config, PriorityReconfig::unmark);
        next.put("members", next.getList("members", Document.class).stream()
                .filter(member -> !member.getString("host").equalsIgnoreCase(host)).toList());
        return next;
    }

    /** The member a promotion found primary, if the config still carries its marks. */
    static Optional<String> markedPrimary(Document config) {
        return config.getList("members", Document.class).stream()
                .filter(member -> member.get("tags", Document.class) != null
                        && "true".equals(member.get("tags", Document.class).getString(PRIMARY_BEFORE)))
                .map(member -> member.getString("host"))
                .findFirst();
    }

    static boolean marked(Document config) {
        return config.getList("members", Document.class).stream()
                .map(member -> member.get("tags", Document.class))
                .anyMatch(tags -> tags != null && MARKS.stream().anyMatch(tags::containsKey));
    }

    static Optional<Document> member(Document config, String host) {
        return config.getList("members", Document.class).stream()
                .filter(member -> member.getString("host").equalsIgnoreCase(host)).findFirst();
    }

    private static Document next(Document config, UnaryOperator<Document> change) {
        Document next = new Document(config);
        next.put("version", config.get("version", Number.class).intValue() + 1);
        List<Document> members = new ArrayList<>();
        for (Document member : config.getList("members", Document.class)) {
            members.add(change.apply(member));
        }
        next.put("members", members);
        return next;
    }

    /** Keeps a mark already there: a retried promotion must not record its own raised priority as the original. */
    private static Document mark(Document member, String mark, String value) {
        Document tags = new Document(member.get("tags", new Document()));
        tags.putIfAbsent(mark, value);
        return new Document(member).append("tags", tags);
    }

    private static Document unmark(Document member) {
        Document tags = member.get("tags", Document.class);
        if (tags == null) {
            return member;
        }
        Document cleaned = new Document(tags);
        MARKS.forEach(cleaned::remove);
        return new Document(member).append("tags", cleaned);
    }

    private static double highestPriorityExcept(Document config, String host) {
        return config.getList("members", Document.class).stream()
                .filter(member -> !member.getString("host").equalsIgnoreCase(host))
                .mapToDouble(PriorityReconfig::priority).max().orElse(0);
    }

    private static double priority(Document member) {
        return member.get("priority") instanceof Number number ? number.doubleValue() : 1;
    }
}
