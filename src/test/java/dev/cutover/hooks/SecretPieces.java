package dev.cutover.hooks;

import static org.assertj.core.api.Assertions.assertThat;

/** Asserts that no piece of a secret of 4 or more characters is left in a text. */
final class SecretPieces {

    static final int SHORTEST_PIECE = 4;

    private SecretPieces() {
    }

    static void assertNoPieceOf(String secret, String text) {
        for (int length = secret.length(); length >= SHORTEST_PIECE; length--) {
            for (int start = 0; start + length <= secret.length(); start++) {
                String piece = secret.substring(start, start + length);
                assertThat(text).as("piece '%s' of the secret", piece).doesNotContain(piece);
            }
        }
    }
}
