package dev.cutover.step;

import java.util.Optional;
import java.util.Set;

/**
 * A connection of the cutover's environment (e.g. {@code orders-mysql}). Settings that hold
 * secret references resolve only when read, and only inside a running step.
 */
public interface ResolvedConnection {

    String name();

    /** {@code gcs}, {@code s3}, {@code mysql}, {@code mongo}, {@code route53}, ... */
    String type();

    Set<String> settingNames();

    /** The setting's value with any secret reference resolved. */
    Optional<String> setting(String name);
}
