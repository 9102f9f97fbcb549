package dev.cutover.system;

import java.util.Arrays;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
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
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.thymeleaf.ITemplateEngine;

/**
 * Two ways in, three roles. The API takes HTTP Basic on every request, keeps no session and needs no
 * CSRF token (scripts and curl); it answers 401 and 403 as problem+json. The dashboard's pages log in
 * with a form: a session cookie (sessions live in the service's database, Spring Session JDBC) and a
 * CSRF token on every POST. The cutover event stream is served to both: the page's
 * {@code EventSource} cannot send headers, so it rides on the session cookie; curl keeps using Basic.
 * VIEWER reads, OPERATOR drives cutovers and syncs, APPROVER gives go/no-go, aborts and orders
 * rollbacks; operators and approvers can read too. Only {@code /actuator/health} and the login page
 * are open. Single sign-on is optional and off unless configured: with {@code cutover.security.oidc}
 * the login page also offers the OpenID Connect provider ({@link OidcLogin}), with
 * {@code cutover.security.jwt} the API also takes the provider's bearer JWTs ({@link BearerTokens});
 * both map the same roles claim to the same three roles.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({SecurityProperties.class, LoginLimit.class})
class SecurityConfiguration {

    private static final String VIEWER = "VIEWER";
    private static final String OPERATOR = "OPERATOR";
    private static final String APPROVER = "APPROVER";

    /** What the dashboard serves; everything else is the API's. */
    static final String[] BROWSER_PATHS = {"/", "/login", "/logout", "/cutovers", "/cutovers/**", "/fragments/**",
            "/dashboard/**", "/favicon.ico", "/api/cutovers/*/events/stream",
            // The lag charts: the page fetches the samples on its session cookie; scripts keep using Basic.
            "/api/cutovers/*/gate-samples", "/webjars/**"};

    /**
     * The pages' scripts are files of this service (no inline script, no handler attributes, no eval),
     * so an injected {@code <script>} or {@code onerror=} does not run. Inline styles stay allowed: the
     * timeline places its bars with {@code style} attributes and the report inlines its stylesheet for
     * printing; a style cannot run code. Nothing may frame the pages (clickjacking of the buttons).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
            + "base-uri 'self'; frame-ancestors 'none'";

    @Bean
    @Order(1)
    SecurityFilterChain browserSecurity(HttpSecurity http, ProblemWriter problems, SecurityProperties properties,
                                        ObjectProvider<ITemplateEngine> templates, LoginAttempts attempts)
            throws Exception {
        AuthenticationEntryPoint loginPage = new LoginUrlAuthenticationEntryPoint("/login");
        if (properties.oidc().enabled()) {
            http.securityMatcher(concat(BROWSER_PATHS, OidcLogin.PATHS))
                    .oauth2Login(new OidcLogin(properties.oidc(), templates.getObject()).configurer());
        } else {
            http.securityMatcher(BROWSER_PATHS);
        }
        writeHeadersBeforeTheHandler(http);
        return http
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY)))
                .addFilterBefore(new LoginThrottle(attempts, problems), UsernamePasswordAuthenticationFilter.class)
                .formLogin(form -> form.loginPage("/login").permitAll())
                .logout(logout -> logout.logoutSuccessUrl("/login?logout").permitAll())
                // The stream also takes Basic, as before, for curl; Basic never creates a session.
                .httpBasic(basic -> basic.authenticationEntryPoint(problems::unauthorized))
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, failure) -> {
                            if (ProblemWriter.wantsProblem(request)) {
                                problems.unauthorized(request, response, failure);
                            } else {
                                loginPage.commence(request, response, failure);
                            }
                        })
                        .accessDeniedHandler(problems::forbidden))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/login", "/dashboard/**", "/favicon.ico", "/webjars/**").permitAll()
                        .requestMatchers(HttpMethod.POST, "/cutovers/*/steps/*/approve", "/cutovers/*/rollback",
                                "/cutovers/*/abort").hasRole(APPROVER)
                        .requestMatchers(HttpMethod.POST, "/cutovers", "/cutovers/**").hasRole(OPERATOR)
                        .anyRequest().hasRole(VIEWER))
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain apiSecurity(HttpSecurity http, ProblemWriter problems, SecurityProperties properties,
                                    LoginAttempts attempts) throws Exception {
        if (properties.jwt().enabled()) {
            // Bearer JWTs besides Basic: a request with "Authorization: Bearer" is decided by its token alone.
            http.oauth2ResourceServer(new BearerTokens(properties.jwt(), properties.oidc()).configurer(problems));
        }
        writeHeadersBeforeTheHandler(http);
        return http
                .csrf(csrf -> csrf.disable())
                .addFilterBefore(new LoginThrottle(attempts, problems), BasicAuthenticationFilter.class)
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

    /**
     * The security headers are written before the request goes on, not on its way back: an event
     * stream's sender thread may already be writing the response then, and Tomcat's headers are not
     * thread-safe (a NullPointerException in MimeHeaders when fifty pages opened their streams at
     * once; spring-security#15510).
     */
    private static void writeHeadersBeforeTheHandler(HttpSecurity http) throws Exception {
        http.headers(headers -> headers.withObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
            @Override
            public <O extends HeaderWriterFilter> O postProcess(O filter) {
                filter.setShouldWriteHeadersEagerly(true);
                return filter;
            }
        }));
    }

    /** What the login page shows of single sign-on (the bean {@code singleSignOn}). */
    @Bean
    SingleSignOn singleSignOn(SecurityProperties properties) {
        return SingleSignOn.of(properties);
    }

    private static String[] concat(String[] first, String[] second) {
        return Stream.concat(Arrays.stream(first), Arrays.stream(second)).toArray(String[]::new);
    }

    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role(OPERATOR).implies(VIEWER)
                .role(APPROVER).implies(VIEWER)
                .build();
    }

    /** BCrypt (and the other encodings' prefixes), a successful check remembered briefly: {@link RememberedPasswordChecks}. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return new RememberedPasswordChecks(PasswordEncoderFactories.createDelegatingPasswordEncoder(), Clock.systemUTC());
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
