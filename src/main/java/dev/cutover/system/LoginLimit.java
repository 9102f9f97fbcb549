package dev.cutover.system;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How many wrong passwords (form or HTTP Basic) a user name, and a remote address, may send within
 * {@code window} before it is locked out for {@code lockout}. The address limit is higher: behind a
 * proxy or NAT a whole team shares one address, and it is there to slow a spray over many names.
 */
@ConfigurationProperties("cutover.security.login-limit")
public record LoginLimit(Integer failuresPerUser, Integer failuresPerAddress, Duration window, Duration lockout) {

    public LoginLimit {
        failuresPerUser = failuresPerUser == null ? 5 : failuresPerUser;
        failuresPerAddress = failuresPerAddress == null ? 50 : failuresPerAddress;
        window = window == null ? Duration.ofMinutes(15) : window;
        lockout = lockout == null ? Duration.ofMinutes(15) : lockout;
    }
}
