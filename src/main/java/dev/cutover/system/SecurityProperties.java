package dev.cutover.system;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Users of the service, from configuration. Passwords are bcrypt hashes ({@code {bcrypt}$2a$...});
 * each can be overridden by environment, e.g. {@code CUTOVER_SECURITY_USERS_1_PASSWORD}.
 */
@ConfigurationProperties("cutover.security")
public record SecurityProperties(List<User> users) {

    public SecurityProperties {
        users = users == null ? List.of() : List.copyOf(users);
    }

    /** One user; roles are VIEWER, OPERATOR and APPROVER. */
    public record User(String name, String password, List<String> roles) {

        public User {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }

        @Override
        public String toString() {
            return "User[name=" + name + ", roles=" + roles + "]";
        }
    }
}
