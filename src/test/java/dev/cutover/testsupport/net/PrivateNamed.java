package dev.cutover.testsupport.net;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A BIND of a test's own inside a {@link FaultyLink}'s namespace, authoritative for {@link #ZONE}
 * on {@code peerAddress:53} (UDP and TCP), RFC 2136 updates allowed with a fresh TSIG key, as
 * {@code scripts/test-stack.sh} runs the shared one. {@link #close()} stops it and deletes its files.
 */
public final class PrivateNamed implements AutoCloseable {

    public static final String ZONE = "nf.test.";
    public static final String TSIG_NAME = "nf-test-key.";
    public static final String TSIG_ALGORITHM = "hmac-sha256";
    public static final int PORT = 53;

    private final FaultyLink link;
    private final Path dir;
    private final Process process;
    private final String tsigSecret;

    private PrivateNamed(FaultyLink link, Path dir, Process process, String tsigSecret) {
        this.link = link;
        this.dir = dir;
        this.process = process;
        this.tsigSecret = tsigSecret;
    }

    /** Starts named with {@code zoneRecords} (zone file lines after the SOA and NS) and waits until it answers. */
    public static PrivateNamed start(FaultyLink link, String zoneRecords) throws IOException {
        String named = Files.isExecutable(Path.of("/usr/sbin/named")) ? "/usr/sbin/named" : null;
        Assumptions.assumeTrue(named != null, "a private BIND needs Debian's bind9 (scripts/test-stack.sh install adds it)");
        Path dir = Files.createTempDirectory("nf-named-");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secret = Base64.getEncoder().encodeToString(key);
        String address = link.peerAddress().getHostAddress();
        Files.writeString(dir.resolve("zone.db"), """
                $ORIGIN %s
                $TTL 3600
                @        IN SOA  ns.%s hostmaster.%s ( 1 3600 600 86400 60 )
                @        IN NS   ns.%s
                ns       IN A    %s
                %s
                """.formatted(ZONE, ZONE, ZONE, ZONE, address, zoneRecords));
        Files.writeString(dir.resolve("named.conf"), """
                // A private BIND of a network fault test, inside namespace %s.
                options {
                    directory "%s";
                    listen-on port %d { %s; };
                    listen-on-v6 { none; };
                    pid-file none;
                    session-keyfile "%s/session.key";
                    managed-keys-directory "%s";
                    recursion no;
                    dnssec-validation no;
                    notify no;
                    allow-query { any; };
                    allow-transfer { none; };
                };
                controls { };
                key "%s" { algorithm %s; secret "%s"; };
                zone "%s" {
                    type primary;
                    file "%s/zone.db";
                    journal "%s/zone.db.jnl";
                    allow-update { key "%s"; };
                };
                """.formatted(link.namespace(), dir, PORT, address, dir, dir, TSIG_NAME, TSIG_ALGORITHM, secret, ZONE,
                dir, dir, TSIG_NAME));
        Process process = link.startInside("named.log", named, "-f", "-4", "-c", dir.resolve("named.conf").toString(),
                "-n", "1");
        PrivateNamed server = new PrivateNamed(link, dir, process, secret);
        server.awaitAnswering();
        return server;
    }

    public String host() {
        return link.peerAddress().getHostAddress();
    }

    public String tsigSecret() {
        return tsigSecret;
    }

    /** The values of a record set as the server answers them over UDP (in order), empty when there is none. */
    public java.util.List<String> lookUp(String name, String type) throws IOException {
        SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(host()));
        resolver.setPort(PORT);
        resolver.setTimeout(Duration.ofSeconds(2));
        Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.value(type), DClass.IN)));
        return answer.getSection(org.xbill.DNS.Section.ANSWER).stream().filter(r -> r.getType() == Type.value(type))
                .map(Record::rdataToString).sorted().toList();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp dir is not worth failing a test for
        }
    }

    private void awaitAnswering() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("named in " + link.namespace() + " ended: "
                        + Files.readString(link.logs().resolve("named.log")));
            }
            try {
                SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(host()));
                resolver.setPort(PORT);
                resolver.setTimeout(Duration.ofMillis(500));
                Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(ZONE), Type.SOA, DClass.IN)));
                if (answer.getRcode() == Rcode.NOERROR) {
                    return;
                }
            } catch (IOException notYet) {
                last = notYet;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("named in " + link.namespace() + " not answering after 30 s", last);
    }
}
