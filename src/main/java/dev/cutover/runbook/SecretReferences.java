package dev.cutover.runbook;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secret references in runbook values: {@code ${env:NAME}} (an environment variable) and
 * {@code ${file:/absolute/path}} (a file's contents, trailing newlines trimmed; a relative path
 * starts at the service's working directory, e.g. {@code ${file:.test-stack/dns/tsig.secret}}). A value that does
 * not start with {@code ${} is plain text. Runbooks are loaded with references unresolved; a
 * running step resolves them when it reads the value.
 */
public final class SecretReferences {

    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern FILE = Pattern.compile("\\$\\{file:([^}\\s][^}]*)}");
    private static final String FORMS = "use ${env:NAME} (NAME of letters, digits and _, not starting with a digit) "
            + "or ${file:/path} (absolute, or relative to the service's working directory)";

    private SecretReferences() {
    }

    /** True when the value is a well-formed {@code ${env:NAME}} or {@code ${file:/path}} reference. */
    public static boolean isReference(String value) {
        return value != null && (ENV.matcher(value).matches() || FILE.matcher(value).matches());
    }

    /** The value with its reference resolved against the process environment; plain text as is. */
    public static String resolve(String value) {
        return resolve(value, System::getenv);
    }

    /**
     * The value with its reference resolved, environment variables looked up with {@code env}.
     *
     * @throws UnresolvableSecretException when the reference is malformed, the variable is not
     *                                     set, or the file cannot be read
     */
    public static String resolve(String value, Function<String, String> env) {
        if (value == null || !value.startsWith("${")) {
            return value;
        }
        Matcher envReference = ENV.matcher(value);
        if (envReference.matches()) {
            String resolved = env.apply(envReference.group(1));
            if (resolved == null) {
                throw new UnresolvableSecretException(value, "environment variable " + envReference.group(1) + " is not set");
            }
            return resolved;
        }
        Matcher fileReference = FILE.matcher(value);
        if (fileReference.matches()) {
            return readFile(value, Path.of(fileReference.group(1)));
        }
        throw new UnresolvableSecretException(value, "it is not a secret reference; " + FORMS);
    }

    /** What is wrong with a value that starts like a reference but is not one; empty when fine. */
    static Optional<String> problemWith(String value) {
        if (value == null || !value.startsWith("${") || isReference(value)) {
            return Optional.empty();
        }
        return Optional.of("'" + value + "' is not a valid secret reference: " + FORMS
                + "; secrets are resolved only when a step runs");
    }

    private static String readFile(String reference, Path path) {
        if (Files.isDirectory(path)) {
            throw new UnresolvableSecretException(reference, path + " is a directory, not a file");
        }
        try {
            return stripTrailingNewlines(Files.readString(path, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new UnresolvableSecretException(reference, "file " + path + " does not exist");
        } catch (AccessDeniedException e) {
            throw new UnresolvableSecretException(reference, "file " + path + " is not readable by this process");
        } catch (CharacterCodingException e) {
            throw new UnresolvableSecretException(reference, "file " + path + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UnresolvableSecretException(reference, "file " + path + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static String stripTrailingNewlines(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }
}
