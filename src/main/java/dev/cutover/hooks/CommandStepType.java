package dev.cutover.hooks;

import dev.cutover.step.ShellCommand;
import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import java.time.Duration;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Runs a shell command line with {@code /bin/bash -c} through {@link ShellCommand}: output drained
 * concurrently into bounded tails, progress at most once a second, and the whole process tree
 * killed on timeout or stop.
 * Its inverse, if any, is another command declared in the runbook's {@code rollback:}.
 */
@Component
public class CommandStepType implements StepType {

    private final ShellCommand shell;

    public CommandStepType() {
        this(Duration.ofSeconds(5));
    }

    CommandStepType(Duration killGrace) {
        this.shell = new ShellCommand(killGrace);
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
        return shell.run(context, new ShellCommand.Line(args.requiredString("run"),
                args.duration("timeout").orElse(context.timeout()), args.map("env"), args.string("workdir").orElse(null),
                args.integer("expectExitCode").orElse(0L)));
    }
}
