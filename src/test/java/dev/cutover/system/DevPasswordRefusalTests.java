package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cutover.CutoverApplication;
import dev.cutover.testsupport.TestRunbooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * With profile {@code mysql} the service refuses to start while a configured user still has a
 * development password of application.yaml (the password is the user's name), and says which
 * user and what to set. Started for real on a fresh MariaDB database of the test stack.
 */
class DevPasswordRefusalTests {

    private static final String HOW_TO_FIX = "(?s).*CUTOVER_SECURITY_USERS_(<n>|\\d+)_PASSWORD.*";
    private static final PasswordEncoder ENCODER = PasswordEncoderFactories.createDelegatingPasswordEncoder();

    @Test
    void mysqlProfileRefusesToStartWithTheDevelopmentUsersOfApplicationYaml() {
        FreshMySqlDatabase database = FreshMySqlDatabase.create("cutover_refusal");
        try {
            assertThat(startupFailure(() -> start(database, List.of())))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("User 'viewer'")
                    .hasMessageContaining("default development password")
                    .hasMessageMatching(HOW_TO_FIX);
            assertThat(database.tableCount()).as("a refused start migrates nothing").isZero();
        }
        finally {
            database.drop();
        }
    }

    @Test
    void oneUserLeftWithItsDevelopmentPasswordIsEnoughToRefuseAndIsNamed() {
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
        List<String> users = List.of(
                "--cutover.security.users[0].name=viewer",
                "--cutover.security.users[0].password={bcrypt}" + bcrypt.encode("a real viewer password"),
                "--cutover.security.users[0].roles[0]=VIEWER",
                "--cutover.security.users[1].name=operator",
                "--cutover.security.users[1].password=" + shippedPassword(1), // still the dev one
                "--cutover.security.users[1].roles[0]=OPERATOR",
                "--cutover.security.users[2].name=approver",
                "--cutover.security.users[2].password={bcrypt}" + bcrypt.encode("a real approver password"),
                "--cutover.security.users[2].roles[0]=APPROVER");
        FreshMySqlDatabase database = FreshMySqlDatabase.create("cutover_refusal");
        try {
            assertThat(startupFailure(() -> start(database, users)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("User 'operator'")
                    .hasMessageNotContaining("'viewer'")
                    .hasMessageMatching(HOW_TO_FIX);
        }
        finally {
            database.drop();
        }
    }

    /** The most specific cause of a failed start, however deep Spring wrapped it. */
    private static Throwable startupFailure(ThrowingCallable start) {
        Throwable thrown = catchThrowable(start);
        assertThat(thrown).as("the service must refuse to start").isNotNull();
        return NestedExceptionUtils.getMostSpecificCause(thrown);
    }

    @Test
    void refuseDevPasswordsAcceptsNonDefaultHashes() {
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
        SecurityProperties properties = new SecurityProperties(List.of(
                new SecurityProperties.User("viewer", "{bcrypt}" + bcrypt.encode("correct horse"), List.of("VIEWER")),
                new SecurityProperties.User("operator", "{bcrypt}" + bcrypt.encode("battery staple"),
                        List.of("OPERATOR")),
                new SecurityProperties.User("approver", "{bcrypt}" + bcrypt.encode("approver!"), List.of("APPROVER"))));

        assertThatCode(() -> DevPasswords.refuseDevPasswords(properties, ENCODER)).doesNotThrowAnyException();
    }

    @Test
    void refuseDevPasswordsRefusesAnyUserWhosePasswordIsADevUsersName() {
        for (String devPassword : DevPasswords.KNOWN) {
            SecurityProperties properties = new SecurityProperties(List.of(
                    new SecurityProperties.User("ops", "{bcrypt}" + new BCryptPasswordEncoder().encode("fine"),
                            List.of("VIEWER")),
                    new SecurityProperties.User("release-manager", "{noop}" + devPassword, List.of("APPROVER"))));

            assertThatThrownBy(() -> DevPasswords.refuseDevPasswords(properties, ENCODER))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("User 'release-manager'")
                    .hasMessageMatching(HOW_TO_FIX);
        }
    }

    @Test
    void theShippedHashesAreTheDevPasswords() {
        // Guards the tests above: application.yaml's users really have their names as passwords.
        assertThat(ENCODER.matches("viewer", shippedPassword(0))).isTrue();
        assertThat(ENCODER.matches("operator", shippedPassword(1))).isTrue();
        assertThat(ENCODER.matches("approver", shippedPassword(2))).isTrue();
    }

    /** Starts the service as {@code java -jar} would, with profile mysql; closes it if it does start. */
    private static void start(FreshMySqlDatabase database, List<String> extraArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.profiles.active=mysql",
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--MYSQL_URL=" + database.url(),
                "--MYSQL_USER=" + database.user(),
                "--MYSQL_PASSWORD=" + database.password(),
                "--cutover.runbooks.location=" + TestRunbooks.create().runbooks()));
        args.addAll(extraArgs);
        SpringApplication application = new SpringApplication(CutoverApplication.class);
        application.setRegisterShutdownHook(false);
        try (ConfigurableApplicationContext context = application.run(args.toArray(String[]::new))) {
            throw new AssertionError("the service started with profile mysql and a dev password on port "
                    + context.getEnvironment().getProperty("local.server.port"));
        }
    }

    /** The password (hash) of the n-th user as application.yaml ships it. */
    private static String shippedPassword(int index) {
        try {
            List<PropertySource<?>> yaml = new YamlPropertySourceLoader().load("application.yaml",
                    new ClassPathResource("application.yaml"));
            Object password = yaml.get(0).getProperty("cutover.security.users[" + index + "].password");
            assertThat(password).as("user %s of application.yaml", index).isNotNull();
            return password.toString();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
