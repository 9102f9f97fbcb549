package dev.cutover.instance;

/**
 * This process as the other instances see it.
 *
 * @param id   the name recorded on the work this instance runs
 * @param host the host name
 * @param pid  the process id
 */
public record ServiceInstance(String id, String host, long pid) {

    /** e.g. {@code instance-a (host db-1, pid 4242)}: for event messages. */
    public String describe() {
        return id + " (host " + host + ", pid " + pid + ")";
    }
}
