package dev.cutover.step;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one shell command line for a step with {@code /bin/bash -c}: output drained concurrently
 * into bounded tails (secrets masked before anything is cut), progress at most once a second, and
 * the whole process tree killed on timeout or stop. The {@code command} step type and the
 * {@code write-freeze} command strategy both run their commands here.
 */
public final class ShellCommand {

    /** The most lines and characters kept of each output stream. */
    public static final int TAIL_LINES = OutputTail.DEFAULT_MAX_LINES;
    public static final int TAIL_CHARS = OutputTail.DEFAULT_MAX_CHARS;

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    /** How long to keep reading output after exit, in case a background child holds the pipes. */
    private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);

    private final Duration killGrace;

    public ShellCommand() {
        this(Duration.ofSeconds(5));
    }

    /** @param killGrace how long the tree has after TERM before it gets KILL */
    public ShellCommand(Duration killGrace) {
        this.killGrace = killGrace;
    }

    /**
     * Where util-linux is (Linux), the command's shell runs in a process group of its own under a guard
     * that the kernel signals when the service dies ({@code setpriv --pdeathsig}); the guard then ends the
     * whole group. A service killed with -9 otherwise left the command running, and the restarted
     * service ran the interrupted step again beside it. The guard waits for the command in the
     * background ({@code & wait}), as bash runs a trap only between commands.
     */
    private static final String GUARD = "trap 'trap \"\" TERM; kill -TERM 0 2>/dev/null; exit 143' TERM\n"
            + "/bin/bash -c \"$1\" &\n"
            + "wait \"$!\"\n";
    private static final boolean GUARDED = Files.isExecutable(Path.of("/usr/bin/setsid"))
            && Files.isExecutable(Path.of("/usr/bin/setpriv"));

    static java.util.List<String> commandLine(String run) {
        return GUARDED
                ? java.util.List.of("/usr/bin/setsid", "/usr/bin/setpriv", "--pdeathsig", "TERM", "--",
                        "/bin/bash", "-c", GUARD, "cutover-command-guard", run)
                : java.util.List.of("/bin/bash", "-c", run);
    }

    /** One command line and how to run it. */
    public record Line(String run, Duration timeout, Map<String, String> env, String workdir, long expectedExit) {

        /** @param timeout kill after this long; {@code null} or zero for no limit of its own */
        public Line {
            env = env == null ? Map.of() : Map.copyOf(env);
        }
    }

    /**
     * Runs the command line; succeeds when it exits with the expected code. The evidence holds the
     * command (masked), exit code, duration and the masked output tails either way.
     *
     * @throws StepFailedException  on another exit code, a timeout or a command that cannot start
     * @throws StepStoppedException when a stop was requested (the command is killed)
     */
    public StepOutcome run(StepContext context, Line line) throws StepFailedException, StepStoppedException,
            InterruptedException, IOException {
        ProcessBuilder builder = new ProcessBuilder(commandLine(line.run()));
        builder.environment().putAll(cutoverVariables(context));
        builder.environment().putAll(line.env());
        if (line.workdir() != null) {
            builder.directory(workdir(line.workdir(), context));
        }

        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new StepFailedException("command could not start: " + context.redact(String.valueOf(e.getMessage())),
                    Map.of("command", context.redact(line.run())));
        }
        process.getOutputStream().close();
        OutputTail stdout = new OutputTail(context::redactExcerpt);
        OutputTail stderr = new OutputTail(context::redactExcerpt);
        String threadName = "command-" + context.stepId() + "-" + process.pid();
        Thread stdoutDrainer = stdout.drainInBackground(process.getInputStream(), threadName + "-stdout");
        Thread stderrDrainer = stderr.drainInBackground(process.getErrorStream(), threadName + "-stderr");

        Ending ending = Ending.EXITED;
        try {
            ending = watch(process, line.timeout(), context, started, stdout, stderr);
        } finally {
            if (process.isAlive()) { // timed out, stopped, or this thread was interrupted
                ProcessTree.kill(process, killGrace);
            }
        }
        stdoutDrainer.join(DRAIN_AFTER_EXIT.toMillis());
        stderrDrainer.join(DRAIN_AFTER_EXIT.toMillis());
        long durationMs = Duration.ofNanos(System.nanoTime() - started).toMillis();

        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("command", context.redact(line.run()));
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
                    "command timed out after " + DurationText.of(line.timeout()) + " and was killed", evidence);
            default -> {
                int exit = process.exitValue();
                if (exit != line.expectedExit()) {
                    String last = stderr.lastLine().isBlank() ? stdout.lastLine() : stderr.lastLine();
                    throw new StepFailedException("command exited with " + exit + " (expected " + line.expectedExit() + ")"
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

    private static File workdir(String workdir, StepContext context) throws StepFailedException {
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
