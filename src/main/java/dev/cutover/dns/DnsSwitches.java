package dev.cutover.dns;

import dev.cutover.step.ResolvedConnection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** Opens the {@link DnsSwitch} of a runbook connection by its type. */
@Component
public class DnsSwitches {

    private final Map<String, DnsSwitchOpener> openers = new TreeMap<>();

    public DnsSwitches(List<DnsSwitchOpener> openers) {
        openers.forEach(opener -> this.openers.put(opener.connectionType(), opener));
    }

    public DnsSwitch open(ResolvedConnection connection) {
        DnsSwitchOpener opener = openers.get(connection.type());
        if (opener == null) {
            throw new IllegalArgumentException("connection '" + connection.name() + "' is of type " + connection.type()
                    + "; DNS steps work on " + String.join(" and ", openers.keySet()) + " connections");
        }
        return opener.open(connection::setting);
    }
}
