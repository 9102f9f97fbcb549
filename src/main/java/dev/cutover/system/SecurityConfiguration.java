package dev.cutover.system;

import java.util.List;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * HTTP Basic with three roles: VIEWER reads, OPERATOR drives cutovers and syncs, APPROVER gives
 * go/no-go, aborts and orders rollbacks. Operators and approvers can read too. Only
 * {@code /actuator/health} is open. Answers 401 and 403 as problem+json.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration {

    private static final String VIEWER = "VIEWER";
    private static final String OPERATOR = "OPERATOR";
    private static final String APPROVER = "APPROVER";

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ProblemWriter problems) throws Exception {
        return http
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.authenticationEntryPoint(problems::unauthorized))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems::unauthorized)
                        .accessDeniedHandler(problems::forbidden))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/error").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/cutovers/*/steps/*/approve", "/api/cutovers/*/rollback",
                                "/api/cutovers/*/abort").hasRole(APPROVER)
                        .requestMatchers(HttpMethod.POST, "/api/runbooks/validate").hasRole(VIEWER)
                        .requestMatchers(HttpMethod.POST, "/api/**").hasRole(OPERATOR)
                        .anyRequest().hasRole(VIEWER))
                .build();
    }

    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role(OPERATOR).implies(VIEWER)
                .role(APPROVER).implies(VIEWER)
                .build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService users(SecurityProperties properties) {
        List<UserDetails> users = properties.users().stream()
                .map(user -> User.withUsername(user.name()).password(user.password())
                        .roles(user.roles().toArray(String[]::new)).build())
                .toList();
        return new InMemoryUserDetailsManager(users);
    }

    /**
     * Refuses the dev passwords with the {@code mysql} profile before any other bean is made, so a
     * refused start touches no database (Flyway has not run yet).
     */
    @Bean
    static BeanFactoryPostProcessor devPasswordGuard(Environment environment) {
        return beanFactory -> {
            if (environment.acceptsProfiles(Profiles.of("mysql"))) {
                SecurityProperties properties = Binder.get(environment)
                        .bind("cutover.security", SecurityProperties.class)
                        .orElse(new SecurityProperties(List.of()));
                DevPasswords.refuseDevPasswords(properties, PasswordEncoderFactories.createDelegatingPasswordEncoder());
            }
        };
    }
}
