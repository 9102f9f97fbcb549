package dev.cutover.system;

import java.util.List;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The embedded default ships users whose password is their name. They are for a laptop only:
 * with a shared database (profile {@code mysql}) the service refuses to start while any
 * configured user still has one of those passwords.
 */
final class DevPasswords {

    static final List<String> KNOWN = List.of("viewer", "operator", "approver");

    private DevPasswords() {
    }

    static void refuseDevPasswords(SecurityProperties properties, PasswordEncoder encoder) {
        for (SecurityProperties.User user : properties.users()) {
            for (String devPassword : KNOWN) {
                if (encoder.matches(devPassword, user.password())) {
                    throw new IllegalStateException("User '" + user.name() + "' still has a default development "
                            + "password; with the mysql profile set CUTOVER_SECURITY_USERS_<n>_PASSWORD to a bcrypt "
                            + "hash of a real password (e.g. '{bcrypt}$2a$10$...') for every user");
                }
            }
        }
    }
}
