package dev.cutover.testsupport;

import static java.util.concurrent.TimeUnit.SECONDS;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged jar extracted ({@code -Djarmode=tools extract}) next to itself, with a dynamic
 * class-data (AppCDS) archive made by one training run that stops right after the context refresh
 * ({@code spring.context.exit=onRefresh}). The ITs start the service a dozen times and each start is
 * mostly class loading: from the archive it takes less than half the CPU, which pays for the training
 * run after two starts. Made once per test JVM; if the extraction or the training fails, the ITs start
 * the jar as it is (the archive is a speed-up, never a precondition).
 */
final class ClassDataArchive {

    private static ClassDataArchive made;

    private final List<String> launch;

    private ClassDataArchive(List<String> launch) {
        this.launch = List.copyOf(launch);
    }

    /** The arguments that start the service, after the JVM options. */
    List<String> launch() {
        return launch;
    }

    static synchronized ClassDataArchive of(Path jar) {
        if (made == null) {
            made = make(jar);
        }
        return made;
    }

    private static ClassDataArchive make(Path jar) {
        Path directory = jar.resolveSibling(jar.getFileName() + "-cds");
        Path extracted = directory.resolve(jar.getFileName());
        Path archive = directory.resolve("service.jsa");
        try {
            deleteRecursively(directory);
            run(jar.getParent(), jar.resolveSibling(jar.getFileName() + "-extract.log"), "-Djarmode=tools", "-jar",
                    jar.toString(), "extract", "--destination", directory.toString());
            Path training = Files.createDirectories(directory.resolve("training/runbooks"));
            List<String> trainingRun = new ArrayList<>(ServiceProcess.QUICK_START);
            trainingRun.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive,
                    "-Dspring.context.exit=onRefresh", "-jar", extracted.toString(), "--server.port=0",
                    "--spring.main.banner-mode=off"));
            run(training.getParent(), directory.resolve("training.log"), trainingRun.toArray(String[]::new));
            if (Files.isRegularFile(extracted) && Files.size(archive) > 0) {
                return new ClassDataArchive(List.of("-XX:SharedArchiveFile=" + archive, "-jar", extracted.toString()));
            }
            System.err.println("ClassDataArchive: no archive made in " + directory + "; starting the jar as it is");
        } catch (IOException | RuntimeException e) {
            System.err.println("ClassDataArchive: " + e + "; starting the jar as it is");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ClassDataArchive(List.of("-jar", jar.toString()));
    }

    private static void run(Path directory, Path log, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(180, SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("still running after 180 s: " + command + " (see " + log + ")");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("exit " + process.exitValue() + ": " + command + " (see " + log + ")");
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
