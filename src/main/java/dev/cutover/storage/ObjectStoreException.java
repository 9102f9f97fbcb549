package dev.cutover.storage;

/** A failure of a store, translated at the port so callers decide by {@link Reason}, not by SDK type. */
public class ObjectStoreException extends RuntimeException {

    public enum Reason {
        NOT_FOUND(false),
        /** 429, 503 SlowDown, rate limits: back off and retry. */
        THROTTLED(true),
        /** 500, 502, 503, 504, connection resets and timeouts: retry. */
        TRANSIENT(true),
        /** The bytes do not have the declared checksum; nothing was stored. */
        CHECKSUM_MISMATCH(false),
        /** The object changed (generation differs) while it was being read. */
        PRECONDITION_FAILED(false),
        /** Credentials missing or not allowed. */
        PERMISSION(false),
        OTHER(false);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Reason reason;

    public ObjectStoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public ObjectStoreException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
