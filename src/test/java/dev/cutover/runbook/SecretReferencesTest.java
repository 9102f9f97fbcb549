package dev.cutover.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretReferencesTest {

    private static final Map<String, String> ENV = Map.of("MYSQL_PASSWORD", "s3cr3t-db-pass", "API_TOKEN", "tok-42");
    private static final Function<String, String> env = ENV::get;

    @TempDir
    Path dir;

    @Test
    void recognisesWellFormedReferences() {
        assertThat(SecretReferences.isReference("${env:MYSQL_PASSWORD}")).isTrue();
        assertThat(SecretReferences.isReference("${env:_x1}")).isTrue();
        assertThat(SecretReferences.isReference("${file:/run/secrets/db}")).isTrue();
        assertThat(SecretReferences.isReference("${env:1BAD}")).isFalse();
        assertThat(SecretReferences.isReference("${env:MY-PASS}")).isFalse();
        assertThat(SecretReferences.isReference("${file:relative}")).as("relative to the working directory").isTrue();
        assertThat(SecretReferences.isReference("${file: }")).isFalse();
        assertThat(SecretReferences.isReference("${vault:x}")).isFalse();
        assertThat(SecretReferences.isReference("plain")).isFalse();
        assertThat(SecretReferences.isReference(null)).isFalse();
    }

    @Test
    void resolvesEnvironmentVariables() {
        assertThat(SecretReferences.resolve("${env:MYSQL_PASSWORD}", env)).isEqualTo("s3cr3t-db-pass");
    }

    @Test
    void resolvesFilesWithoutTheTrailingNewline() throws IOException {
        Path secret = Files.writeString(dir.resolve("db-password"), "from-a-file\n");
        assertThat(SecretReferences.resolve("${file:" + secret.toAbsolutePath() + "}", env)).isEqualTo("from-a-file");
        Path windows = Files.writeString(dir.resolve("crlf"), "line\r\n\r\n");
        assertThat(SecretReferences.resolve("${file:" + windows.toAbsolutePath() + "}")).isEqualTo("line");
    }

    @Test
    void returnsPlainTextAsIs() {
        assertThat(SecretReferences.resolve("migrator", env)).isEqualTo("migrator");
        assertThat(SecretReferences.resolve("echo ${HOME}", env)).isEqualTo("echo ${HOME}");
    }

    @Test
    void unresolvableReferencesNameTheReferenceButNoSecret() {
        assertThatThrownBy(() -> SecretReferences.resolve("${env:MISSING_PASSWORD}", env))
                .isInstanceOf(UnresolvableSecretException.class)
                .hasMessage("secret reference ${env:MISSING_PASSWORD} cannot be resolved: "
                        + "environment variable MISSING_PASSWORD is not set")
                .satisfies(e -> assertThat(((UnresolvableSecretException) e).reference()).isEqualTo("${env:MISSING_PASSWORD}"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(ENV.values()));

        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> SecretReferences.resolve("${file:" + missing + "}", env))
                .isInstanceOf(UnresolvableSecretException.class)
                .hasMessageContaining("${file:" + missing + "}")
                .hasMessageContaining("does not exist");

        assertThatThrownBy(() -> SecretReferences.resolve("${file:" + dir + "}", env))
                .isInstanceOf(UnresolvableSecretException.class)
                .hasMessageContaining("is a directory");

        assertThatThrownBy(() -> SecretReferences.resolve("${vault:db}", env))
                .isInstanceOf(UnresolvableSecretException.class)
                .hasMessageContaining("${vault:db}")
                .hasMessageContaining("${env:NAME}")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(ENV.values()));
    }

    @Test
    void problemWithNamesOnlyValuesThatStartLikeAReferenceButAreNotOne() {
        assertThat(SecretReferences.problemWith("${env:OK}")).isEmpty();
        assertThat(SecretReferences.problemWith("plain ${x}")).isEmpty();
        assertThat(SecretReferences.problemWith("${env:not-ok}")).get().asString().contains("not a valid secret reference");
    }

    @Test
    void resolvesReferencesEmbeddedInALongerValue() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "t0ken-from-file\n");

        assertThat(SecretReferences.resolve("Bearer ${file:" + token.toAbsolutePath() + "}", env))
                .isEqualTo("Bearer t0ken-from-file");
        assertThat(SecretReferences.resolve("mysql://${env:API_TOKEN}:${env:MYSQL_PASSWORD}@db:3306/x", env))
                .isEqualTo("mysql://tok-42:s3cr3t-db-pass@db:3306/x");
        assertThat(SecretReferences.resolve("echo ${HOME} ${PATH:-/bin} ${env:API_TOKEN}", env))
                .as("shell expansions are not secret references").isEqualTo("echo ${HOME} ${PATH:-/bin} tok-42");
    }

    @Test
    void resolvedPartsAreHandedOverForMaskingButNotTheTextAroundThem() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "t0ken-from-file\n");
        List<String> secrets = new ArrayList<>();

        String header = SecretReferences.resolve("Bearer ${file:" + token.toAbsolutePath() + "} and ${env:API_TOKEN}",
                env, secrets::add);

        assertThat(header).isEqualTo("Bearer t0ken-from-file and tok-42");
        assertThat(secrets).containsExactly("t0ken-from-file", "tok-42");
    }

    @Test
    void malformedEmbeddedReferencesAreProblemsAtTheirOffset() {
        assertThat(SecretReferences.malformed("Bearer ${file:/etc/token")).get()
                .satisfies(m -> assertThat(m.offset()).isEqualTo(7))
                .satisfies(m -> assertThat(m.message()).contains("not closed"));
        assertThat(SecretReferences.malformed("https://x/${vault:db}/y")).get()
                .satisfies(m -> assertThat(m.offset()).isEqualTo(10))
                .satisfies(m -> assertThat(m.message()).contains("${vault:", "${env:NAME}"));
        assertThat(SecretReferences.malformed("user ${env:not-ok} there")).get()
                .satisfies(m -> assertThat(m.offset()).isEqualTo(5));
        assertThat(SecretReferences.malformed("echo ${HOME} ${PATH:-/bin} ${x:0:2} ${env:OK}")).isEmpty();
        assertThatThrownBy(() -> SecretReferences.resolve("Bearer ${vault:db}", env))
                .isInstanceOf(UnresolvableSecretException.class)
                .hasMessageContaining("${vault:");
    }
}
