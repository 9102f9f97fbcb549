package dev.cutover.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code /usr/bin/promtool} (package {@code prometheus}). When it is missing,
 * {@code scripts/test-stack.sh install} installs it; when that cannot, the test fails: never skips.
 */
final class Promtool {

    static final Path EXECUTABLE = Paths.get("/usr/bin/promtool");

    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    static Result run(Path workingDirectory, String... arguments) {
        ensureInstalled();
        List<String> command = new ArrayList<>(List.of(EXECUTABLE.toString()));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true)
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("promtool " + String.join(" ", arguments) + " did not end within 60 s");
            }
            return new Result(process.exitValue(),
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void ensureInstalled() {
        if (Files.isExecutable(EXECUTABLE)) {
            return;
        }
        try {
            Process install = new ProcessBuilder("bash", "scripts/test-stack.sh", "install").inheritIO().start();
            if (!install.waitFor(15, TimeUnit.MINUTES) || install.exitValue() != 0 || !Files.isExecutable(EXECUTABLE)) {
                throw new IllegalStateException(EXECUTABLE + " is missing and scripts/test-stack.sh install did not "
                        + "install it (it needs root and Debian's package index); install the package prometheus");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
