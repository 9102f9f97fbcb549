package dev.cutover.step;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces resolved secret values by {@code ******} in text. Text cut out of a longer text (an
 * output tail, a body excerpt) needs more than replacing whole secrets: a cut that falls inside a
 * secret leaves a piece of it at the cut's edge, and that piece is masked too.
 */
public final class SecretMask {

    public static final String MASK = "******";
    /** Shorter pieces at a cut are left alone: they say next to nothing and match innocent text. */
    public static final int SHORTEST_PIECE = 4;

    private SecretMask() {
    }

    /** The text with every secret replaced, the longest first so a secret containing another is masked whole. */
    public static String mask(String text, Collection<String> secrets) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : longestFirst(secrets)) {
            result = result.replace(secret, MASK);
        }
        return result;
    }

    /**
     * Masks a piece cut out of a longer text: every whole secret, and, where the piece was cut,
     * the longest piece of {@link #SHORTEST_PIECE} or more characters that a secret ends with (at
     * a cut before the text) or begins with (at a cut after it).
     */
    public static String maskCut(String text, Collection<String> secrets, boolean cutBefore, boolean cutAfter) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        // The pieces at the cuts are found in the text as written: masking a shorter secret first
        // could hide the piece of a longer one that contains it.
        int head = cutBefore ? longestPiece(text, secrets, true) : 0;
        int tail = cutAfter ? longestPiece(text, secrets, false) : 0;
        if (head + tail >= text.length()) {
            return head + tail == 0 ? text : MASK;
        }
        return (head > 0 ? MASK : "") + mask(text.substring(head, text.length() - tail), secrets)
                + (tail > 0 ? MASK : "");
    }

    /**
     * The length of the longest piece of {@link #SHORTEST_PIECE} or more characters at the start of
     * the text that a secret ends with ({@code atStart}), or at its end that a secret begins with.
     */
    private static int longestPiece(String text, Collection<String> secrets, boolean atStart) {
        int longest = 0;
        for (String secret : secrets) {
            for (int length = Math.min(secret.length(), text.length()); length > longest && length >= SHORTEST_PIECE; length--) {
                boolean piece = atStart ? text.startsWith(secret.substring(secret.length() - length))
                        : text.endsWith(secret.substring(0, length));
                if (piece) {
                    longest = length;
                }
            }
        }
        return longest;
    }

    private static List<String> longestFirst(Collection<String> secrets) {
        return secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }
}
