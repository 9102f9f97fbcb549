package dev.cutover.database;

import dev.cutover.step.StepType;
import java.util.List;

/** Builds the {@code write-freeze} step type outside Spring, for the engine tests of each sub-package. */
public final class WriteFreezeTypes {

    private WriteFreezeTypes() {
    }

    public static StepType withEngine(WriteFreezeEngine engine) {
        return new WriteFreezeStepType(List.of(engine));
    }
}
