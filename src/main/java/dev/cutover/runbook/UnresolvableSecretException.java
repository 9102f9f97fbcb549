package dev.cutover.runbook;

/**
 * A secret reference could not be resolved. The message names the reference and the reason,
 * never a secret value.
 */
public class UnresolvableSecretException extends RuntimeException {

    private final String reference;

    public UnresolvableSecretException(String reference, String reason) {
        super("secret reference " + reference + " cannot be resolved: " + reason);
        this.reference = reference;
    }

    /** The reference as written, e.g. {@code ${env:MYSQL_PASSWORD}}. */
    public String reference() {
        return reference;
    }
}
