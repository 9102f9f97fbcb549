package dev.cutover.runbook;

import static dev.cutover.step.StepParameter.Kind.BOOLEAN;
import static dev.cutover.step.StepParameter.Kind.CONNECTION;
import static dev.cutover.step.StepParameter.Kind.DURATION;
import static dev.cutover.step.StepParameter.Kind.INTEGER;
import static dev.cutover.step.StepParameter.Kind.LIST;
import static dev.cutover.step.StepParameter.Kind.MAP;
import static dev.cutover.step.StepParameter.Kind.STRING;
import static dev.cutover.step.StepParameter.oneOf;
import static dev.cutover.step.StepParameter.optional;
import static dev.cutover.step.StepParameter.required;

import dev.cutover.step.StepContext;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepType;
import dev.cutover.step.StepTypeCatalog;
import java.util.List;

/** Small step types declaring parameters of every kind, for parser tests. */
final class TestStepTypes {

    private TestStepTypes() {
    }

    static StepTypeCatalog catalog() {
        return new StepTypeCatalog(List.of(
                new FakeStepType("command", List.of(
                        required("run", STRING, "the command line"),
                        optional("timeout", DURATION, "how long the command may run"),
                        optional("env", MAP, "extra environment variables"),
                        optional("args", LIST, "arguments"))),
                new FakeStepType("storage-sync", List.of(
                        required("source", CONNECTION, "the bucket connection to copy from"),
                        required("target", CONNECTION, "the bucket connection to copy to"),
                        oneOf("mode", true, "full, delta or final", "full", "delta", "final"),
                        optional("concurrency", INTEGER, "parallel copies"),
                        optional("dry-run", BOOLEAN, "list only"))),
                new FakeStepType("http-check", List.of(required("url", STRING, "the URL to probe"),
                        optional("headers", MAP, "request headers"))),
                new FakeStepType("manual", List.of(optional("checklist", LIST, "items to tick")))));
    }

    record FakeStepType(String name, List<StepParameter> parameters) implements StepType {

        @Override
        public String description() {
            return "test step type " + name;
        }

        /** As the real ones: a sync and a probe may run again from the start, a command may not. */
        @Override
        public boolean resumable() {
            return name.equals("storage-sync") || name.equals("http-check");
        }

        @Override
        public StepOutcome execute(StepContext context) {
            return StepOutcome.succeeded("done");
        }
    }
}
