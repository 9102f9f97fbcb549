package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM options tuned with bench/load.sh reach every way the service is run: they live in one argument
 * file, {@code jvm.options}, which the image copies and its ENTRYPOINT names, and which bench/load.sh's
 * service JVM is started with; this JDK applies every option it knows, and starts whatever it does not know.
 */
class ShippedJvmOptionsTest {

    @Test
    void theImageStartsTheServiceWithTheOptionsFile() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));

        assertThat(dockerfile).contains("COPY jvm.options /app/jvm.options")
                .containsPattern("ENTRYPOINT \\[\"java\", [^\\]]*\"@/app/jvm.options\", \"-jar\", \"/app/app.jar\"\\]");
    }

    @Test
    void thisJdkAppliesTheOptionsItKnows() throws Exception {
        Process java = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + Path.of("jvm.options").toAbsolutePath(), "-Xmx64m", "-XX:+PrintFlagsFinal", "-version"))
                .redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes());

        assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(java.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("size_t MetaspaceSize += 268435456 ");
        if (output.contains(" InlineCacheBufferSize ")) { // later JDKs have no inline-cache buffer at all
            assertThat(output).containsPattern("size_t InlineCacheBufferSize += 1048576 ");
        }
    }
}
