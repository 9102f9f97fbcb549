package dev.cutover.hooks;

import dev.cutover.step.ShellCommand;

import dev.cutover.testsupport.RecordingStepContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepStoppedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class CommandStepTypeTest {

    private final CommandStepType command = new CommandStepType();

    @Test
    void succeedsAndKeepsTheOutputAsEvidence() throws Exception {
        var context = new RecordingStepContext(Map.of("run", "echo hello; echo warning >&2"));

        StepOutcome outcome = command.execute(context);

        assertThat(outcome.evidence())
                .containsEntry("exitCode", 0)
                .containsEntry("stdoutTail", "hello")
                .containsEntry("stderrTail", "warning")
                .containsEntry("command", "echo hello; echo warning >&2")
                .containsKey("durationMs");
        assertThat(outcome.summary()).startsWith("command exited with 0");
    }

    @Test
    void failsOnAnUnexpectedExitCodeNamingTheLastErrorLine() {
        var context = new RecordingStepContext(Map.of("run", "echo starting; echo 'first problem' >&2; echo 'replica not found' >&2; exit 3"));

        StepFailedException failure = catchThrowableOfType(() -> command.execute(context), StepFailedException.class);

        assertThat(failure).hasMessage("command exited with 3 (expected 0): replica not found");
        assertThat(failure.evidence())
                .containsEntry("exitCode", 3)
                .containsEntry("stderrTail", "first problem\nreplica not found")
                .containsEntry("stdoutTail", "starting");
    }

    @Test
    void acceptsTheDeclaredExitCodeAndRejectsZeroThen() throws Exception {
        assertThat(command.execute(new RecordingStepContext(Map.of("run", "exit 3", "expectExitCode", "3"))).evidence())
                .containsEntry("exitCode", 3);
        assertThatThrownBy(() -> command.execute(new RecordingStepContext(Map.of("run", "true", "expectExitCode", "3"))))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("command exited with 0 (expected 3)");
    }

    @Test
    void runsInTheGivenWorkdirAndFailsClearlyWhenItIsMissing(@TempDir Path dir) throws Exception {
        var context = new RecordingStepContext(Map.of("run", "pwd", "workdir", dir.toString()));
        assertThat(command.execute(context).evidence()).containsEntry("stdoutTail", dir.toRealPath().toString());

        assertThatThrownBy(() -> command.execute(new RecordingStepContext(
                Map.of("run", "pwd", "workdir", dir.resolve("missing").toString()))))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("missing")
                .hasMessageContaining("is not a directory");
    }

    @Test
    void relativeWorkdirResolvesAgainstTheServiceWorkingDirectory() throws Exception {
        var context = new RecordingStepContext(Map.of("run", "pwd", "workdir", "src"));
        assertThat(command.execute(context).evidence())
                .containsEntry("stdoutTail", Path.of("src").toAbsolutePath().toRealPath().toString());
    }

    @Test
    void timeoutKillsTheWholeProcessTreeIncludingGrandchildren() throws Exception {
        // outer bash -> inner bash -> sleep; the trailing echo stops bash from exec-ing the inner one
        var context = new RecordingStepContext(Map.of(
                "run", "bash -c 'sleep 30 & echo $! ; wait'; echo never", "timeout", "1s"));

        long start = System.nanoTime();
        StepFailedException failure = catchThrowableOfType(() -> command.execute(context), StepFailedException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(failure).hasMessage("command timed out after 1s and was killed");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        long grandchild = firstLineNumber(failure);
        assertGone(grandchild);
    }

    @Test
    void timeoutFallsBackToTheStepTimeout() {
        var context = new RecordingStepContext(Map.of("run", "sleep 30")).timeout(Duration.ofMillis(500));
        assertThatThrownBy(() -> command.execute(context))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("command timed out after 500ms and was killed");
    }

    @Test
    void aChildIgnoringTermIsKilledAfterTheGracePeriod() throws Exception {
        var impatient = new CommandStepType(Duration.ofMillis(500));
        var context = new RecordingStepContext(Map.of(
                "run", "bash -c 'trap \"\" TERM; echo $$; while true; do sleep 0.1; done'; echo never", "timeout", "500ms"));

        StepFailedException failure = catchThrowableOfType(() -> impatient.execute(context), StepFailedException.class);

        assertThat(failure).hasMessageContaining("timed out");
        assertGone(firstLineNumber(failure));
    }

    @Test
    void stopRequestKillsTheCommandPromptly() {
        var context = new RecordingStepContext(Map.of("run", "sleep 30"));
        context.requestStopAfter(Duration.ofMillis(300));

        long start = System.nanoTime();
        assertThatThrownBy(() -> command.execute(context)).isInstanceOf(StepStoppedException.class);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(300 + 2000));
    }

    @Test
    void secretValuesNeverReachTheEvidence() throws Exception {
        var context = new RecordingStepContext(Map.of(
                "run", "echo \"token is $API_TOKEN\"; echo \"$API_TOKEN\" >&2",
                "env", Map.of("API_TOKEN", "${env:DEPLOY_TOKEN}")))
                .secret("DEPLOY_TOKEN", "s3cr3t-hunter2");

        StepOutcome outcome = command.execute(context);

        assertThat(outcome.evidence())
                .containsEntry("stdoutTail", "token is ******")
                .containsEntry("stderrTail", "******");
        assertThat(outcome.evidence().toString()).doesNotContain("s3cr3t-hunter2");
    }

    @Test
    void secretsInTheCommandLineAndTheFailureMessageAreRedacted() {
        var context = new RecordingStepContext(Map.of("run", "echo 'denied for ${env:PASSWORD}' >&2; exit 1"))
                .secret("PASSWORD", "pa55word");

        StepFailedException failure = catchThrowableOfType(() -> command.execute(context), StepFailedException.class);

        assertThat(failure).hasMessage("command exited with 1 (expected 0): denied for ******");
        assertThat(failure.evidence().toString()).doesNotContain("pa55word").contains("denied for ******");
    }

    @Test
    void aSecretStraddlingTheCutOfAnOverLongLineLeavesNoPieceOfIt() throws Exception {
        String secret = "Zq8-s3cr3t-across-the-cut-77";
        for (int before : List.of(ShellCommand.TAIL_CHARS - 14, ShellCommand.TAIL_CHARS - 4,
                ShellCommand.TAIL_CHARS - 25)) {
            var context = new RecordingStepContext(Map.of(
                    "run", "head -c " + before + " /dev/zero | tr '\\0' x; printf '%s' \"$TOKEN\"; head -c 20000 /dev/zero | tr '\\0' y; echo",
                    "env", Map.of("TOKEN", "${env:DEPLOY_TOKEN}")))
                    .secret("DEPLOY_TOKEN", secret);

            StepOutcome outcome = command.execute(context);

            String tail = (String) outcome.evidence().get("stdoutTail");
            assertThat(tail).as("cut %d characters into the line", before).startsWith("xxxx").contains("…[line cut]");
            SecretPieces.assertNoPieceOf(secret, tail);
        }
    }

    @Test
    void largeOutputOnBothStreamsDoesNotDeadlockAndKeepsOnlyTheTail() throws Exception {
        var context = new RecordingStepContext(Map.of("run", "seq 1 200000 >&2; seq 1 200000", "timeout", "30s"));

        StepOutcome outcome = command.execute(context);

        for (String stream : List.of("stdoutTail", "stderrTail")) {
            String tail = (String) outcome.evidence().get(stream);
            List<String> lines = tail.lines().toList();
            assertThat(lines).hasSize(ShellCommand.TAIL_LINES).endsWith("200000").startsWith("199951");
            assertThat(tail.length()).isLessThanOrEqualTo(ShellCommand.TAIL_CHARS);
        }
        assertThat(outcome.evidence()).containsEntry("stdoutLines", 200000L).containsEntry("stderrLines", 200000L);
    }

    @Test
    void anEndlessLineIsCutInsteadOfFillingMemory() throws Exception {
        var context = new RecordingStepContext(Map.of("run", "head -c 5000000 /dev/zero | tr '\\0' x; echo; echo done"));

        StepOutcome outcome = command.execute(context);

        String tail = (String) outcome.evidence().get("stdoutTail");
        assertThat(tail).endsWith("done");
        assertThat(tail.length()).isLessThanOrEqualTo(ShellCommand.TAIL_CHARS + 20);
    }

    @Test
    void reportsProgressAtMostOncePerSecond() throws Exception {
        var context = new RecordingStepContext(Map.of("run", "for i in $(seq 1 20); do echo line $i; sleep 0.1; done"));

        command.execute(context);

        List<RecordingStepContext.Progress> progress = context.progress();
        assertThat(progress).hasSizeBetween(1, 4);
        assertThat(progress.get(0).message()).startsWith("line ");
        assertThat(progress.get(0).figures()).containsKeys("elapsedMs", "stdoutLines");
        for (int i = 1; i < progress.size(); i++) {
            assertThat(progress.get(i).atNanos() - progress.get(i - 1).atNanos())
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
        }
    }

    @Test
    void stdinIsClosed() throws Exception {
        var context = new RecordingStepContext(Map.of("run", "cat; echo eof", "timeout", "5s"));
        assertThat(command.execute(context).evidence()).containsEntry("stdoutTail", "eof");
    }

    private static long firstLineNumber(StepFailedException failure) {
        return Long.parseLong(((String) failure.evidence().get("stdoutTail")).lines().findFirst().orElseThrow().strip());
    }

    private static void assertGone(long pid) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        while (handle.isPresent() && handle.get().isAlive() && System.nanoTime() < until) {
            Thread.sleep(50);
            handle = ProcessHandle.of(pid);
        }
        assertThat(handle.filter(ProcessHandle::isAlive)).as("process %d still alive", pid).isEmpty();
    }
}
