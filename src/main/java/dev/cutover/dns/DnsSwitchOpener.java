package dev.cutover.dns;

import java.util.Optional;
import java.util.function.Function;

/** Opens one kind of {@link DnsSwitch}; adapters register one bean each, named by their connection type. */
public interface DnsSwitchOpener {

    /** The connection {@code type:} it serves: {@code route53} or {@code rfc2136}. */
    String connectionType();

    /** Opens a switch from the connection's settings, secret references already resolved on read. */
    DnsSwitch open(Function<String, Optional<String>> settings);
}
