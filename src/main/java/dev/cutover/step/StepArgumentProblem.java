package dev.cutover.step;

/**
 * Something wrong with a step's {@code with:} that its declared parameters cannot say on their
 * own: fields required together, fields that exclude each other, a value that cannot fit the
 * step's timeout. Validation reports it with the file, line and column of the field.
 *
 * @param field   the parameter it is about, as written under {@code with:} (where it is, or where
 *                it is missing); {@code null} for the {@code with:} as a whole
 * @param message what is wrong and how to fix it
 */
public record StepArgumentProblem(String field, String message) {

    public static StepArgumentProblem at(String field, String message) {
        return new StepArgumentProblem(field, message);
    }
}
