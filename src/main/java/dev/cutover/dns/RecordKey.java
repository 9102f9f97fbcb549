package dev.cutover.dns;

import java.util.Locale;

/** Which record set: an absolute name and a type. */
public record RecordKey(String name, String type) {

    public RecordKey {
        name = DnsNames.absolute(name);
        type = type.trim().toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return name + " " + type;
    }
}
