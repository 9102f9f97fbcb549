package dev.sandbox;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/test-stack.sh} as the sandbox uses it: is the stack already up (then it is not the
 * sandbox's to stop), and stopping it when the sandbox brought it up. The state dir is the script's
 * own choice ({@code CUTOVER_TEST_STACK_DIR}, else {@code .test-stack}), the same as TestPeers'.
 */
final class TestStackScript {

    private static final String SCRIPT = "scripts/test-stack.sh";

    private TestStackScript() {
    }

    /** True when the whole stack answers ({@code status} exits 0). */
    static boolean healthy() {
        return run("status", ProcessBuilder.Redirect.DISCARD, 30) == 0;
    }

    /** Stops what {@code up} started; its progress goes to this console. */
    static void down() {
        System.out.println("sandbox: stopping the test stack it started (" + SCRIPT + " down)");
        run("down", ProcessBuilder.Redirect.INHERIT, 60);
    }

    private static int run(String command, ProcessBuilder.Redirect output, int seconds) {
        try {
            Process process = new ProcessBuilder("bash", SCRIPT, command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(output).redirectError(output).start();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
