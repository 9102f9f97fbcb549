package dev.cutover.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Copies the runbooks under {@code src/test/resources/test-runbooks} into a fresh directory,
 * with {@code @WORK@} replaced by a work directory the test can inspect (command steps write
 * their traces there) and a secret file {@code @WORK@/secret-token}.
 */
public final class TestRunbooks {

    public static final String SECRET = "s3cr3t-T0ken-do-not-leak";
    private static final List<String> FILES =
            List.of("walkthrough.yaml", "flaky.yaml", "slow.yaml", "one-way.yaml", "broken.yaml", "storage.yaml",
                    "scheduled.yaml");

    private final Path runbooks;
    private final Path work;

    private TestRunbooks(Path runbooks, Path work) {
        this.runbooks = runbooks;
        this.work = work;
    }

    public static TestRunbooks create() {
        try {
            Path root = Files.createTempDirectory("cutover-test-");
            Path runbooks = Files.createDirectories(root.resolve("runbooks"));
            Path work = Files.createDirectories(root.resolve("work"));
            Files.writeString(work.resolve("secret-token"), SECRET + "\n");
            for (String file : FILES) {
                try (InputStream in = TestRunbooks.class.getResourceAsStream("/test-runbooks/" + file)) {
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .replace("@WORK@", work.toAbsolutePath().toString());
                    Files.writeString(runbooks.resolve(file), text);
                }
            }
            return new TestRunbooks(runbooks, work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path runbooks() {
        return runbooks;
    }

    public Path work() {
        return work;
    }

    /** Lines of a trace file that command steps append to; empty if it does not exist. */
    public List<String> lines(String file) {
        try {
            Path path = work.resolve(file);
            return Files.exists(path) ? Files.readAllLines(path) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a runbook built at test time (e.g. with ports of peers started by the test) next to
     * the others; {@code POST /api/runbooks/reload} (or {@code RunbookCatalog.reload()}) picks it up.
     */
    public Path add(String fileName, String yaml) {
        try {
            return Files.writeString(runbooks.resolve(fileName), yaml.replace("@WORK@", work.toAbsolutePath().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void touch(String file) {
        try {
            Files.writeString(work.resolve(file), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
