package dev.cutover.runbook;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Suggests the known word closest to a misspelt one, by edit distance. */
public final class ClosestMatch {

    private ClosestMatch() {
    }

    public static Optional<String> to(String written, Collection<String> known) {
        if (written == null || written.isEmpty()) {
            return Optional.empty();
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(written.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int tolerated = Math.max(1, (int) Math.ceil(0.4 * Math.max(written.length(), best.length())));
        return bestDistance <= tolerated ? Optional.of(best) : Optional.empty();
    }

    /** " (did you mean 'x'?)" or nothing. */
    static String hint(String written, Collection<String> known) {
        return to(written, known).map(match -> " (did you mean '" + match + "'?)").orElse("");
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
