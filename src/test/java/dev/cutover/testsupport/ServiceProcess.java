package dev.cutover.testsupport;

import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged Spring Boot jar (system property {@code cutover.jar}, set by failsafe) as a child
 * process, for the kill -9 drills: started on a free port in a working directory (so the embedded
 * defaults apply: runbooks from {@code ./runbooks}, H2 under {@code ./data}), killed with SIGKILL,
 * started again on the same directory and port. Each start logs to its own file in the working
 * directory; {@link #logTail()} shows the end of the current one for assertion messages.
 * Processes the service started (e.g. a command step's shell) are captured before each kill or
 * stop, since orphans leave the process tree, and killed by handle on {@link #close()}.
 */
public final class ServiceProcess implements AutoCloseable {

    /**
     * JVM options for a service that a drill starts and stops within a minute: C1 only, one GC thread
     * and small stacks start it a good deal sooner than the defaults (about a third less CPU).
     */
    public static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k");

    /**
     * The JVM options the service ships with ({@code jvm.options} at the project's root, an argument file:
     * the Dockerfile's ENTRYPOINT and the README's run command name it too), for a bench that must measure
     * the service as it runs in production, not as a bench would tune it.
     */
    public static List<String> shippedJvmOptions() {
        Path options = Path.of("jvm.options").toAbsolutePath(); // the project's root: where Maven and the benches run
        assertThat(options).as("the shipped JVM options").exists();
        return List.of("@" + options);
    }

    private static final int READY_SECONDS = 90;
    private static final int LOG_TAIL_LINES = 40;

    private final Path directory;
    private final int port;
    private final Api api;
    private final List<ProcessHandle> descendants = new ArrayList<>();
    private List<String> jvmOptions = List.of();
    private boolean asShipped;
    private Process process;
    private Path log;

    /** A service that will run in {@code directory} on a port free now. */
    public ServiceProcess(Path directory) {
        this.directory = directory;
        this.port = freePort();
        this.api = new Api(port);
    }

    /** A drill's service ({@link #QUICK_START}), as the class data archive of the ITs was trained with. */
    public static ServiceProcess quickStarting(Path directory) {
        return new ServiceProcess(directory).jvmOptions(QUICK_START);
    }

    /** Options for the service's JVM (e.g. {@code -XX:TieredStopAtLevel=1}), from the next start on. */
    public ServiceProcess jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    public int port() {
        return port;
    }

    /** A client of this service (dev users; the port stays the same across restarts). */
    public Api api() {
        return api;
    }

    /** The running (or last) process. */
    public Process process() {
        return process;
    }

    /**
     * Starts the jar with {@code --server.port} and waits until {@code /actuator/health/readiness}
     * answers 200, i.e. after startup recovery has run; fails with the log tail if the process
     * exits or is not ready in 90 s. Output (stdout and stderr) goes to {@code logName} in the
     * working directory.
     */
    public void start(String logName, String... arguments) throws InterruptedException {
        assertThat(process == null || !process.isAlive()).as("the previous service process is still running").isTrue();
        log = directory.resolve(logName);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(launch());
        command.add("--server.port=" + port); // the embedded defaults: ./runbooks and H2 under ./data
        command.addAll(List.of(arguments));
        try {
            process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        long deadline = System.nanoTime() + SECONDS.toNanos(READY_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("service exited with " + process.exitValue() + " while starting" + logTail());
            }
            try {
                if (api.get(null, "/actuator/health/readiness").status() == 200) {
                    // what the ITs cost is mostly these starts: the figure to watch in their output
                    System.out.printf("ServiceProcess: %s ready in %d ms, %d ms of CPU%n", directory.getFileName(),
                            SECONDS.toMillis(READY_SECONDS) - NANOSECONDS.toMillis(deadline - System.nanoTime()),
                            process.info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L));
                    return;
                }
            } catch (UncheckedIOException notListeningYet) {
                // keep polling
            }
            Thread.sleep(250);
        }
        fail("service did not become ready in " + READY_SECONDS + " s" + logTail());
    }

    /** Starts the packaged jar itself, as the Dockerfile does, not its extracted and class-archived form. */
    public ServiceProcess asShipped() {
        this.asShipped = true;
        return this;
    }

    /**
     * The packaged jar when failsafe names it ({@code cutover.jar}): extracted with a class-data archive
     * ({@link ClassDataArchive}: a start costs less than half the CPU), or as it is for {@link #asShipped()};
     * otherwise, for an IT picked by hand with {@code -Dtest=...} under surefire, the service's classes and
     * dependencies from the test run's own class path (without the test classes), so no package step is needed.
     */
    private List<String> launch() {
        String jar = System.getProperty("cutover.jar");
        if (jar != null && !jar.isBlank()) {
            assertThat(Path.of(jar)).exists();
            return asShipped ? List.of("-jar", jar) : ClassDataArchive.of(Path.of(jar)).launch();
        }
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String serviceClassPath = java.util.Arrays.stream(classPath.split(java.io.File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes/"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        return List.of("-cp", serviceClassPath, "dev.cutover.CutoverApplication");
    }

    /**
     * SIGKILL on Linux: no shutdown hooks, no graceful shutdown. The service's descendants are
     * captured first (orphans leave the tree); asserts that the process died with status 137.
     */
    public void killNine() throws InterruptedException {
        assertThat(process).as("a started service").isNotNull();
        process.descendants().forEach(descendants::add); // before the kill: orphans leave the tree
        process.destroyForcibly();
        assertThat(process.waitFor(10, SECONDS)).as("service died after SIGKILL").isTrue();
        assertThat(process.exitValue()).as("exit status of a process killed by signal 9").isEqualTo(128 + 9);
    }

    /**
     * Stops the service if it runs (SIGTERM, then SIGKILL after 10 s) and kills every descendant
     * captured so far that is still alive. Safe to call more than once.
     */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(descendants::add);
            process.destroy();
            if (!process.waitFor(10, SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, SECONDS);
            }
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * The processes the service had started (captured at the last kill or stop) that are still alive
     * after waiting up to {@code wait} for them to end; described as "pid command".
     */
    public List<String> descendantsAliveAfter(java.time.Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline && descendants.stream().anyMatch(ProcessHandle::isAlive)) {
            Thread.sleep(100);
        }
        return descendants.stream().filter(ProcessHandle::isAlive)
                .map(alive -> alive.pid() + " " + alive.info().commandLine().orElse("?")).toList();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** The current log file, or null before the first start. */
    public Path log() {
        return log;
    }

    /** The last 40 lines of the current log, as a suffix for assertion messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "\n--- last lines of " + log + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "\n(no service log: " + e + ")";
        }
    }

    /** A TCP port nobody listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
