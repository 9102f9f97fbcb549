package dev.cutover.dns;

import dev.cutover.testsupport.Api;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A BIND {@code named} of the test's own (never the shared test stack's, which other tests use), on a
 * free loopback port, with the test stack's zone {@code cutover.test.} and a TSIG key of its own: a
 * test may {@link #kill()} it with SIGKILL mid-step and {@link #start()} it again on the same port and
 * files (its journal keeps the updates it acknowledged). {@code testsupport.net.PrivateNamed} is the one
 * that lives inside a {@code FaultyLink}'s namespace.
 */
final class LoopbackNamed implements AutoCloseable {

    static final String ZONE = "cutover.test.";
    static final String KEY_NAME = "private-test-key.";
    static final String ALGORITHM = "hmac-sha256";

    private final Path dir;
    private final int port;
    private final String secret;
    private Process process;

    private LoopbackNamed(Path dir, int port, String secret) {
        this.dir = dir;
        this.port = port;
        this.secret = secret;
    }

    static LoopbackNamed start() {
        try {
            Path dir = Files.createTempDirectory("private-named-");
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            LoopbackNamed named = new LoopbackNamed(dir, freePort(), Base64.getEncoder().encodeToString(key));
            named.writeFiles();
            named.startAgain();
            return named;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    String secret() {
        return secret;
    }

    /** The settings of an {@code rfc2136} connection to it, the secret as {@code tsigSecret}, queries timing out after 1 s. */
    Map<String, String> connectionSettings(String tsigSecret) {
        return Map.of("server", "127.0.0.1", "port", String.valueOf(port), "zone", ZONE, "tsigKeyName", KEY_NAME,
                "tsigAlgorithm", ALGORITHM, "tsigSecret", tsigSecret, "timeoutMs", "1000", "pollIntervalMs", "50");
    }

    /** kill -9: no shutdown of its own, as when the host dies or the OOM killer picks it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("named (pid " + process.pid() + ") still alive 5 s after SIGKILL");
        }
    }

    /** Starts it (again) on the same port, zone file and journal; returns once it answers. */
    void startAgain() throws IOException {
        process = new ProcessBuilder("named", "-f", "-4", "-c", dir.resolve("named.conf").toString(), "-n", "1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("named.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!answers()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("named exited at startup: " + Files.readString(dir.resolve("named.out")));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("named not answering on 127.0.0.1:" + port + " after 10 s");
            }
            Api.sleep(50);
        }
    }

    /** What it answers for the record set now, as any resolver would get it (unsigned, over UDP). */
    java.util.Optional<RecordSet> lookUp(RecordKey key) throws IOException {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        resolver.setTimeout(Duration.ofSeconds(2));
        Message response = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(key.name()),
                Type.value(key.type()), DClass.IN)));
        java.util.List<Record> answer = response.getSection(org.xbill.DNS.Section.ANSWER).stream()
                .filter(r -> r.getType() == Type.value(key.type())).toList();
        return answer.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(new RecordSet(key.name(), key.type(),
                answer.get(0).getTTL(), answer.stream().map(Record::rdataToString).sorted().toList()));
    }

    private boolean answers() {
        try {
            SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            resolver.setTimeout(Duration.ofMillis(300));
            Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(ZONE), Type.SOA, DClass.IN)));
            return answer.getRcode() == Rcode.NOERROR;
        } catch (IOException notYet) {
            return false;
        }
    }

    private void writeFiles() throws IOException {
        Files.writeString(dir.resolve("zone.db"), """
                $ORIGIN cutover.test.
                $TTL 3600
                @        IN SOA  ns.cutover.test. hostmaster.cutover.test. ( 1 3600 600 86400 60 )
                @        IN NS   ns.cutover.test.
                ns       IN A    127.0.0.1
                api      IN A    192.0.2.20
                api      IN A    192.0.2.21
                """);
        Files.writeString(dir.resolve("named.conf"), """
                options {
                    directory "%1$s";
                    listen-on port %2$d { 127.0.0.1; };
                    listen-on-v6 { none; };
                    pid-file none;
                    session-keyfile "%1$s/session.key";
                    managed-keys-directory "%1$s";
                    recursion no;
                    dnssec-validation no;
                    notify no;
                    allow-query { 127.0.0.1; };
                    allow-transfer { none; };
                };
                controls { };
                key "%3$s" { algorithm %4$s; secret "%5$s"; };
                zone "%6$s" {
                    type primary;
                    file "%1$s/zone.db";
                    journal "%1$s/zone.db.jnl";
                    allow-update { key "%3$s"; };
                };
                """.formatted(dir, port, KEY_NAME, ALGORITHM, secret, ZONE));
    }

    /** A port free for both TCP and UDP right now. */
    private static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress())) {
                return tcp.getLocalPort();
            } catch (IOException taken) {
                // the UDP side is in use: another one
            }
        }
        throw new IOException("no loopback port free for both TCP and UDP");
    }


    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }
}
