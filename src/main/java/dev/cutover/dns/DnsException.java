package dev.cutover.dns;

/**
 * A DNS provider refused, failed or did not get in sync; adapters translate their SDK's errors into
 * this, with a message that names the record and the reason. {@link #stopped()} means an operator
 * stop cut a wait short, which is not a failure.
 */
public class DnsException extends RuntimeException {

    private final boolean stopped;

    public DnsException(String message) {
        this(message, false);
    }

    public DnsException(String message, boolean stopped) {
        super(message);
        this.stopped = stopped;
    }

    public DnsException(String message, Throwable cause) {
        super(message, cause);
        this.stopped = false;
    }

    public boolean stopped() {
        return stopped;
    }
}
