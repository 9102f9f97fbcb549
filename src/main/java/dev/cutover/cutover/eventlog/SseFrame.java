package dev.cutover.cutover.eventlog;

/**
 * One server-sent event as the bytes on the wire, built once and written to every client that
 * gets it: serialising an event per client cost more than sending it when fifty screens watched.
 *
 * @param id the event-log id, or 0 for frames outside the log (heartbeats, live parts), which a
 *           client's {@code Last-Event-ID} must not move past
 */
record SseFrame(long id, String text) {

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
        return new SseFrame(id, text.append('\n').toString());
    }
}
