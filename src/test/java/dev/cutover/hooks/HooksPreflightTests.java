package dev.cutover.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.step.PreflightFinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a command line needs before the night, checked without running it. */
class HooksPreflightTests {

    @TempDir
    Path dir;

    @Test
    void aScriptGivenToAnInterpreterMustExist() throws Exception {
        Files.writeString(dir.resolve("deploy.sh"), "echo deployed\n");

        assertThat(HooksPreflight.runnable("bash deploy.sh --undo", dir.toString()).status()).isEqualTo(PreflightFinding.Status.OK);
        PreflightFinding missing = HooksPreflight.runnable("bash gone.sh", dir.toString());
        assertThat(missing.status()).isEqualTo(PreflightFinding.Status.FAILED);
        assertThat(missing.detail()).contains("gone.sh does not exist");
    }

    @Test
    void aScriptRunByPathMustBeExecutable() throws Exception {
        Path script = Files.writeString(dir.resolve("freeze.sh"), "#!/bin/sh\n");

        PreflightFinding notExecutable = HooksPreflight.runnable(script + " --now", null);
        assertThat(notExecutable.status()).isEqualTo(PreflightFinding.Status.FAILED);
        assertThat(notExecutable.hint()).startsWith("chmod +x");

        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(HooksPreflight.runnable(script + " --now", null).status()).isEqualTo(PreflightFinding.Status.OK);
    }

    @Test
    void aProgramMustBeOnThePathAndAHttpCheckHostMustResolve() {
        assertThat(HooksPreflight.runnable("ls -l", null).status()).isEqualTo(PreflightFinding.Status.OK);
        assertThat(HooksPreflight.runnable("no-such-program-4711 --x", null).detail()).contains("not on the service's PATH");
        assertThat(HooksPreflight.resolves("http://localhost:8080/health").status()).isEqualTo(PreflightFinding.Status.OK);
        assertThat(HooksPreflight.resolves("https://no-such-host.invalid/health").status())
                .isEqualTo(PreflightFinding.Status.FAILED);
    }
}
