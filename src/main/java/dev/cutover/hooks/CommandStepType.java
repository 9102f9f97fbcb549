package dev.cutover.hooks;

import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.DurationText;

import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepStoppedException;
import dev.cutover.step.StepType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Runs a shell command line with {@code /bin/bash -c}: output drained concurrently into bounded
 * tails, progress at most once a second, and the whole process tree killed on timeout or stop.
 * Its inverse, if any, is another command declared in the runbook's {@code rollback:}.
 */
@Component
public class CommandStepType implements StepType {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    /** How long to keep reading output after exit, in case a background child holds the pipes. */
    private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);

    private final Duration killGrace;

    public CommandStepType() {
        this(Duration.ofSeconds(5));
    }

    CommandStepType(Duration killGrace) {
        this.killGrace = killGrace;
    }

    @Override
    public String name() {
        return "command";
    }

    @Override
    public String description() {
        return "Runs a shell command line (bash -c) with a timeout; fails on an unexpected exit code and keeps the output tail as evidence";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.required("run", Kind.STRING, "the command line, run with /bin/bash -c"),
                StepParameter.optional("timeout", Kind.DURATION, "kill the command after this long (default: the step's timeout)"),
                StepParameter.optional("env", Kind.MAP, "extra environment variables; values may be secret references"),
                StepParameter.optional("workdir", Kind.STRING, "working directory; relative paths start at the service's working directory"),
                StepParameter.optional("expectExitCode", Kind.INTEGER, "the exit code that means success (default 0)"));
    }

    @Override
    public List<StepArgumentProblem> validate(StepArguments with, Duration stepTimeout) {
        return with.integer("expectExitCode").filter(code -> code < 0 || code > 255)
                .map(code -> List.of(StepArgumentProblem.at("expectExitCode", "expectExitCode must be from 0 to 255 "
                        + "(what a process can exit with), found " + code)))
                .orElse(List.of());
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        String run = args.requiredString("run");
        Duration timeout = args.duration("timeout").orElse(context.timeout());
        long expectedExit = args.integer("expectExitCode").orElse(0L);

        ProcessBuilder builder = new ProcessBuilder("/bin/bash", "-c", run);
        builder.environment().putAll(cutoverVariables(context));
        builder.environment().putAll(args.map("env"));
        if (args.string("workdir").isPresent()) {
            builder.directory(workdir(args.string("workdir").get(), context));
        }

        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new StepFailedException("command could not start: " + context.redact(String.valueOf(e.getMessage())),
                    Map.of("command", context.redact(run)));
        }
        process.getOutputStream().close();
        OutputTail stdout = new OutputTail(context::redactExcerpt);
        OutputTail stderr = new OutputTail(context::redactExcerpt);
        String threadName = "command-" + context.stepId() + "-" + process.pid();
        Thread stdoutDrainer = stdout.drainInBackground(process.getInputStream(), threadName + "-stdout");
        Thread stderrDrainer = stderr.drainInBackground(process.getErrorStream(), threadName + "-stderr");

        Ending ending = Ending.EXITED;
        try {
            ending = watch(process, timeout, context, started, stdout, stderr);
        } finally {
            if (process.isAlive()) { // timed out, stopped, or this thread was interrupted
                ProcessTree.kill(process, killGrace);
            }
        }
        stdoutDrainer.join(DRAIN_AFTER_EXIT.toMillis());
        stderrDrainer.join(DRAIN_AFTER_EXIT.toMillis());
        long durationMs = Duration.ofNanos(System.nanoTime() - started).toMillis();

        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("command", context.redact(run));
        if (!process.isAlive()) {
            evidence.put("exitCode", process.exitValue());
        }
        evidence.put("durationMs", durationMs);
        evidence.put("stdoutTail", context.redact(stdout.text()));
        evidence.put("stderrTail", context.redact(stderr.text()));
        evidence.put("stdoutLines", stdout.totalLines());
        evidence.put("stderrLines", stderr.totalLines());

        switch (ending) {
            case STOPPED -> throw new StepStoppedException("command stopped on request and was killed");
            case TIMED_OUT -> throw new StepFailedException(
                    "command timed out after " + DurationText.of(timeout) + " and was killed", evidence);
            default -> {
                int exit = process.exitValue();
                if (exit != expectedExit) {
                    String last = stderr.lastLine().isBlank() ? stdout.lastLine() : stderr.lastLine();
                    throw new StepFailedException("command exited with " + exit + " (expected " + expectedExit + ")"
                            + (last.isBlank() ? "" : ": " + context.redact(last)), evidence);
                }
                return StepOutcome.succeeded("command exited with " + exit + " after "
                        + DurationText.of(Duration.ofMillis(durationMs)), evidence);
            }
        }
    }

    private enum Ending { EXITED, TIMED_OUT, STOPPED }

    private Ending watch(Process process, Duration timeout, StepContext context, long started,
            OutputTail stdout, OutputTail stderr) throws InterruptedException {
        boolean limited = timeout != null && !timeout.isZero() && !timeout.isNegative();
        long lastProgress = started;
        long linesReported = 0;
        while (!process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
            if (context.stopRequested()) {
                return Ending.STOPPED;
            }
            long now = System.nanoTime();
            if (limited && now - started >= timeout.toNanos()) {
                return Ending.TIMED_OUT;
            }
            long lines = stdout.totalLines() + stderr.totalLines();
            if (lines > linesReported && now - lastProgress >= PROGRESS_EVERY.toNanos()) {
                String last = stdout.lastLine().isEmpty() ? stderr.lastLine() : stdout.lastLine();
                context.progress(context.redact(last), Map.of(
                        "elapsedMs", Duration.ofNanos(now - started).toMillis(),
                        "stdoutLines", stdout.totalLines(),
                        "stderrLines", stderr.totalLines()));
                lastProgress = now;
                linesReported = lines;
            }
        }
        return Ending.EXITED;
    }

    private static java.io.File workdir(String workdir, StepContext context) throws StepFailedException {
        Path path = Path.of(workdir).toAbsolutePath().normalize();
        if (!Files.isDirectory(path)) {
            throw new StepFailedException("workdir " + context.redact(path.toString()) + " is not a directory",
                    Map.of("workdir", context.redact(path.toString())));
        }
        return path.toFile();
    }

    /** Scripts see which cutover, phase and step they serve, e.g. to name their own traces. */
    static Map<String, String> cutoverVariables(StepContext context) {
        Map<String, String> variables = new LinkedHashMap<>();
        putIfPresent(variables, "CUTOVER_ID", context.cutoverId());
        putIfPresent(variables, "CUTOVER_RUNBOOK", context.runbook());
        putIfPresent(variables, "CUTOVER_ENVIRONMENT", context.environment());
        putIfPresent(variables, "CUTOVER_PHASE", context.phase());
        putIfPresent(variables, "CUTOVER_STEP", context.stepId());
        variables.put("CUTOVER_REHEARSAL", Boolean.toString(context.rehearsal()));
        return variables;
    }

    private static void putIfPresent(Map<String, String> variables, String name, String value) {
        if (value != null) {
            variables.put(name, value);
        }
    }
}
