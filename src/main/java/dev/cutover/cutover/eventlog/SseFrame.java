package dev.cutover.cutover.eventlog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One server-sent event as the bytes on the wire, built and encoded once and written as they are to every
 * client that gets it: serialising an event per client cost more than sending it when fifty screens watched,
 * and encoding the text to UTF-8 again for each client and batch was a tenth of the garbage in bench/load.sh.
 *
 * @param id    the event-log id, or 0 for frames outside the log (heartbeats, live parts), which a
 *              client's {@code Last-Event-ID} must not move past
 * @param bytes the frame in UTF-8, from its {@code id:} line (if any) to the blank line that ends it;
 *              never changed after it is built
 */
record SseFrame(long id, byte[] bytes) {

    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);

    static SseFrame of(long id, String name, String data) {
        StringBuilder text = new StringBuilder(data.length() + 64);
        if (id > 0) {
            text.append("id:").append(id).append('\n');
        }
        text.append("event:").append(name).append('\n');
        // A line break inside the data would end the field: each line goes in a data field of its own.
        // A reader drops one space after the colon, so a line that starts with one gets one more.
        boolean oneLine = data.indexOf('\n') < 0 && data.indexOf('\r') < 0; // an event's JSON: no regex needed
        for (String line : oneLine ? new String[] {data} : data.split("\r\n|\r|\n", -1)) {
            text.append(line.startsWith(" ") ? "data: " : "data:").append(line).append('\n');
        }
        return new SseFrame(id, text.append('\n').toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A frame of JSON already in UTF-8 (as Jackson writes it), copied once into the frame; JSON on one line
     * that does not start with a space (all Jackson writes) needs no look at its characters.
     */
    static SseFrame ofJson(long id, String name, byte[] json) {
        if (json.length == 0 || json[0] == ' ' || contains(json, (byte) '\n') || contains(json, (byte) '\r')) {
            return of(id, name, new String(json, StandardCharsets.UTF_8));
        }
        byte[] head = ((id > 0 ? "id:" + id + "\n" : "") + "event:" + name + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + DATA.length + json.length + 2];
        System.arraycopy(head, 0, bytes, 0, head.length);
        System.arraycopy(DATA, 0, bytes, head.length, DATA.length);
        System.arraycopy(json, 0, bytes, head.length + DATA.length, json.length);
        bytes[bytes.length - 2] = '\n';
        bytes[bytes.length - 1] = '\n';
        return new SseFrame(id, bytes);
    }

    /** The frame as text (tests, and telling whether live parts changed). */
    String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Same id and same bytes (a record compares arrays by identity). */
    boolean sameAs(SseFrame other) {
        return other != null && id == other.id && Arrays.equals(bytes, other.bytes);
    }

    private static boolean contains(byte[] bytes, byte wanted) {
        for (byte b : bytes) {
            if (b == wanted) {
                return true;
            }
        }
        return false;
    }
}
