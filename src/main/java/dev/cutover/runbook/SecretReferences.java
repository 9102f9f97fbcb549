package dev.cutover.runbook;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secret references in runbook values: {@code ${env:NAME}} (an environment variable) and
 * {@code ${file:/absolute/path}} (a file's contents, trailing newlines trimmed; a relative path
 * starts at the service's working directory, e.g. {@code ${file:.test-stack/dns/tsig.secret}}).
 * A reference may be the whole value or a part of it ({@code "Bearer ${file:/etc/token}"}); every
 * reference in a value is resolved. Shell expansions such as {@code ${HOME}} or
 * {@code ${PATH:-/bin}} are not references and stay as written. Runbooks are loaded with
 * references unresolved; a running step resolves them when it reads the value.
 */
public final class SecretReferences {

    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern FILE = Pattern.compile("\\$\\{file:([^}\\s][^}]*)}");
    /**
     * Where a reference starts: {@code ${env:}, {@code ${file:} or {@code ${scheme:} of an unknown
     * scheme (reported as such). Another lowercase word followed by {@code :-},
     * {@code :=}, {@code :?}, {@code :+}, a digit or a space is a shell expansion instead
     * ({@code ${name:-default}}, {@code ${name:0:3}}), so it is not taken for a reference.
     */
    private static final Pattern START = Pattern.compile("\\$\\{(env|file|[a-z][a-z0-9]*(?=:(?![-=?+\\s\\d]))):");
    private static final String FORMS = "use ${env:NAME} (NAME of letters, digits and _, not starting with a digit) "
            + "or ${file:/path} (absolute, or relative to the service's working directory)";

    private SecretReferences() {
    }

    /** What is wrong with a value, and where in it (0-based offset of the reference). */
    record Malformed(int offset, String message) {
    }

    /** True when the whole value is a well-formed {@code ${env:NAME}} or {@code ${file:/path}} reference. */
    public static boolean isReference(String value) {
        return value != null && (ENV.matcher(value).matches() || FILE.matcher(value).matches());
    }

    /** True when the value holds at least one reference (well-formed or not: the form is checked elsewhere). */
    public static boolean containsReference(String value) {
        return value != null && START.matcher(value).find();
    }

    /** The value with its references resolved against the process environment; plain text as is. */
    public static String resolve(String value) {
        return resolve(value, System::getenv);
    }

    /** The value with its references resolved, environment variables looked up with {@code env}. */
    public static String resolve(String value, Function<String, String> env) {
        return resolve(value, env, secret -> { });
    }

    /**
     * The value with every reference resolved, environment variables looked up with {@code env}.
     * Each resolved part (not the text around it) is handed to {@code secrets}, so the caller can
     * mask it wherever it shows up later.
     *
     * @throws UnresolvableSecretException when a reference is malformed, the variable is not set,
     *                                     or the file cannot be read
     */
    public static String resolve(String value, Function<String, String> env, Consumer<String> secrets) {
        if (value == null || !value.contains("${")) {
            return value;
        }
        if (value.startsWith("${") && !START.matcher(value).lookingAt()) {
            throw new UnresolvableSecretException(value, "it is not a secret reference; " + FORMS);
        }
        StringBuilder resolved = new StringBuilder();
        Matcher start = START.matcher(value);
        int copied = 0;
        while (start.find(copied)) {
            int end = value.indexOf('}', start.start());
            String reference = end < 0 ? value.substring(start.start()) : value.substring(start.start(), end + 1);
            String secret = resolveOne(reference, env);
            secrets.accept(secret);
            resolved.append(value, copied, start.start()).append(secret);
            copied = end + 1;
        }
        return resolved.append(value.substring(copied)).toString();
    }

    /** What is wrong with a value's references; empty when there is none or all are well-formed. */
    static Optional<String> problemWith(String value) {
        return malformed(value).map(Malformed::message);
    }

    /**
     * The first malformed reference in a value: a value starting with {@code ${} that is no
     * reference, a reference that is not closed with {@code }}, an unknown scheme, or a bad name
     * or path.
     */
    static Optional<Malformed> malformed(String value) {
        if (value == null || !value.contains("${")) {
            return Optional.empty();
        }
        if (value.startsWith("${") && !START.matcher(value).lookingAt()) {
            return Optional.of(new Malformed(0, "'" + value + "' is not a valid secret reference: " + FORMS
                    + "; secrets are resolved only when a step runs"));
        }
        Matcher start = START.matcher(value);
        int from = 0;
        while (start.find(from)) {
            int end = value.indexOf('}', start.start());
            if (end < 0) {
                return Optional.of(new Malformed(start.start(), "the secret reference starting '"
                        + value.substring(start.start(), start.end())
                        + "' is not closed with }: " + FORMS));
            }
            String reference = value.substring(start.start(), end + 1);
            if (!isReference(reference)) {
                String what = switch (start.group(1)) {
                    case "env", "file" -> "'" + reference + "' is not a valid secret reference";
                    default -> "'" + reference + "' uses an unknown kind of secret reference '${" + start.group(1) + ":'";
                };
                return Optional.of(new Malformed(start.start(), what + ": " + FORMS
                        + "; secrets are resolved only when a step runs"));
            }
            from = end + 1;
        }
        return Optional.empty();
    }

    private static String resolveOne(String reference, Function<String, String> env) {
        Matcher envReference = ENV.matcher(reference);
        if (envReference.matches()) {
            String resolved = env.apply(envReference.group(1));
            if (resolved == null) {
                throw new UnresolvableSecretException(reference, "environment variable " + envReference.group(1) + " is not set");
            }
            return resolved;
        }
        Matcher fileReference = FILE.matcher(reference);
        if (fileReference.matches()) {
            return readFile(reference, Path.of(fileReference.group(1)));
        }
        throw new UnresolvableSecretException(reference, "it is not a secret reference; " + FORMS);
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
