package dev.cutover.hooks;

import dev.cutover.step.PreflightCheck;
import dev.cutover.step.PreflightFinding;
import dev.cutover.step.PreflightPlan;
import dev.cutover.step.PreflightProbe;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Preflight of hooks: the program or script a {@code command} step (or a {@code write-freeze} of
 * strategy command) runs exists and can be run; the host of an {@code http-check} URL resolves.
 * Nothing is run and no request is sent.
 */
@Component
class HooksPreflight implements PreflightCheck {

    /** Programs that take a script file as first argument: the script must exist and be readable. */
    private static final Set<String> INTERPRETERS = Set.of("bash", "sh", "zsh", "python", "python3", "perl", "ruby",
            "node", "/bin/bash", "/bin/sh", "/usr/bin/env");
    private static final Set<String> BUILTINS = Set.of("echo", "true", "false", "exit", "cd", "test", "[", "printf",
            "export", "set", ":", "source", ".", "eval", "exec", "read", "sleep", "kill", "wait");

    @Override
    public List<PreflightProbe> probes(PreflightPlan plan) {
        List<PreflightProbe> probes = new ArrayList<>();
        for (PreflightPlan.PlannedStep step : plan.steps()) {
            switch (step.type()) {
                case "command" -> probes.add(command(step, "run"));
                case "write-freeze" -> {
                    if ("command".equals(step.with().string("strategy").orElse(""))) {
                        probes.add(command(step, "run"));
                        probes.add(command(step, "undo"));
                    }
                }
                case "http-check" -> probes.add(new PreflightProbe("host resolves", "step " + step.id(),
                        List.of(step.id()), () -> List.of(resolves(step.with().requiredString("url")))));
                default -> {
                }
            }
        }
        return probes;
    }

    private static PreflightProbe command(PreflightPlan.PlannedStep step, String parameter) {
        return new PreflightProbe(parameter.equals("run") ? "command exists" : "undo command exists", "step " + step.id(),
                List.of(step.id()), () -> List.of(step.with().string(parameter)
                .map(line -> runnable(line, step.with().string("workdir").orElse(null)))
                .orElseGet(() -> PreflightFinding.failed("no " + parameter + ": given", "add " + parameter + ": to the step"))));
    }

    /** The first program of a command line (or the script an interpreter is given) can be run. */
    static PreflightFinding runnable(String line, String workdir) {
        List<String> words = Arrays.stream(line.trim().split("\\s+")).filter(w -> !w.contains("=") || w.startsWith("/"))
                .toList();
        if (words.isEmpty()) {
            return PreflightFinding.failed("the command line is empty", "write the command to run");
        }
        String program = words.get(0);
        Path base = workdir == null ? Path.of("") : Path.of(workdir);
        if (INTERPRETERS.contains(program) && words.size() > 1 && !words.get(1).startsWith("-")) {
            Path script = base.resolve(words.get(1)).toAbsolutePath().normalize();
            if (!Files.isRegularFile(script)) {
                return PreflightFinding.failed(program + " script " + script + " does not exist", "check the path "
                        + "(relative paths start at " + base.toAbsolutePath().normalize() + ") and deploy the script");
            }
            return Files.isReadable(script) ? PreflightFinding.ok(program + " " + script + " exists and is readable")
                    : PreflightFinding.failed(script + " is not readable by the service's user", "chmod o+r or run as its owner");
        }
        if (program.contains("/")) {
            Path path = base.resolve(program).toAbsolutePath().normalize();
            if (!Files.isRegularFile(path)) {
                return PreflightFinding.failed(path + " does not exist", "check the path and deploy the script");
            }
            return Files.isExecutable(path) ? PreflightFinding.ok(path + " exists and is executable")
                    : PreflightFinding.failed(path + " is not executable", "chmod +x " + path + " (or run it with bash)");
        }
        if (BUILTINS.contains(program)) {
            return PreflightFinding.ok(program + " is a shell builtin");
        }
        return onPath(program).map(found -> PreflightFinding.ok(program + " is " + found))
                .orElseGet(() -> PreflightFinding.failed(program + " is not on the service's PATH", "install " + program
                        + " on the service's host or write its absolute path"));
    }

    private static Optional<Path> onPath(String program) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
        return Arrays.stream(path.split(java.io.File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst();
    }

    static PreflightFinding resolves(String url) {
        String host;
        try {
            host = URI.create(url.trim()).getHost();
        } catch (IllegalArgumentException malformed) {
            return PreflightFinding.failed("'" + url + "' is not a URL", "write the url: as http(s)://host[:port]/path");
        }
        if (host == null) {
            return PreflightFinding.failed("'" + url + "' names no host", "write the url: as http(s)://host[:port]/path");
        }
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            return PreflightFinding.ok(host + " resolves to " + addresses[0].getHostAddress()
                    + (addresses.length > 1 ? " and " + (addresses.length - 1) + " more" : ""));
        } catch (UnknownHostException unknown) {
            return PreflightFinding.failed(host + " does not resolve", "check the host name in url: and the DNS "
                    + "(resolv.conf, VPC resolver) of the service's host");
        }
    }
}
