package dev.cutover.runbook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A runbook file's text as loaded, with its SHA-256: what a cutover pins when it is created, so an
 * edited or reloaded file never changes the steps (or their inverses) of a cutover already under way.
 */
public record RunbookText(String name, String file, String text, String sha256) {

    public static RunbookText of(String name, String file, String text) {
        return new RunbookText(name, file, text, sha256(text));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
