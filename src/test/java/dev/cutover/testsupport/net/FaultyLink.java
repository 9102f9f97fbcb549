package dev.cutover.testsupport.net;

import dev.cutover.testsupport.TcpRelay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A network link between "the clouds" that a test controls: a network namespace joined to the
 * host by a veth pair on a /29 of 10.231.0.0/16 (host end {@link #hostAddress()}, second host
 * address {@link #clientAddress()} for a client a rule can single out, namespace end
 * {@link #peerAddress()}). Peers run inside the namespace ({@link #startInside}), or a host peer is
 * brought across the veth ({@link #bringInside}: a relay process inside the namespace towards a
 * relay bound on the host end). Faults, each from where this kernel has it:
 * <ul>
 * <li>{@link #partition()} / {@link #partition(int)} / {@link #heal()} and {@link #loss(double)}:
 * iptables rules (DROP, random DROP with the {@code statistic} match) inside the namespace, on the
 * veth only;</li>
 * <li>{@link #rate(String)}: a {@code tbf} qdisc on the namespace end (traffic leaving the
 * namespace);</li>
 * <li>{@link #delay(Duration)}: a delaying {@link TcpRelay} in the test JVM, for clients that connect
 * through {@link #delayed}: {@code tc netem} is absent from some kernels (this machine's among
 * them), a userspace relay works everywhere.</li>
 * </ul>
 * Nothing touches the host's own iptables or {@code lo}. Names carry the JVM's pid; {@link #close()}
 * (also run by a shutdown hook) stops the processes it started and deletes the namespace and the
 * veth. Where the test cannot be root or {@code ip netns}/{@code iptables} are missing, {@link #create()}
 * skips the test (a JUnit assumption), it never fails it.
 */
public final class FaultyLink implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String CHAIN = "FAULTS";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private final String namespace;
    private final String hostVeth;
    private final String peerVeth;
    private final InetAddress hostAddress;
    private final InetAddress clientAddress;
    private final InetAddress peerAddress;
    private final Path logs;
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final List<TcpRelay> relays = new CopyOnWriteArrayList<>();
    private final List<TcpRelay> delayedRelays = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook = new Thread(this::close, "faulty-link-cleanup");
    private boolean partitioned;
    private final Set<Integer> partitionedPorts = new TreeSet<>();
    private double lossPercent;
    private Duration delay = Duration.ZERO;
    private volatile boolean closed;

    private FaultyLink(String namespace, String hostVeth, String peerVeth, int[] subnet, Path logs)
            throws UnknownHostException {
        this.namespace = namespace;
        this.hostVeth = hostVeth;
        this.peerVeth = peerVeth;
        String prefix = "10.231." + subnet[0] + ".";
        this.hostAddress = InetAddress.getByName(prefix + (subnet[1] + 1));
        this.peerAddress = InetAddress.getByName(prefix + (subnet[1] + 2));
        this.clientAddress = InetAddress.getByName(prefix + (subnet[1] + 3));
        this.logs = logs;
    }

    /**
     * A fresh namespace and veth pair, or the calling test skipped with the reason (not root,
     * no {@code ip netns}, no {@code iptables}).
     */
    public static FaultyLink create() {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"),
                "network fault tests need Linux network namespaces");
        Assumptions.assumeTrue("0".equals(quietly("id", "-u")), "network fault tests need root (ip netns, iptables)");
        Assumptions.assumeTrue(quietly("iptables", "--version") != null,
                "network fault tests need iptables (Debian package iptables; scripts/test-stack.sh install adds it)");
        long pid = ProcessHandle.current().pid();
        int n = COUNTER.incrementAndGet();
        String namespace = "cutover-nf-" + pid + "-" + n;
        String suffix = (pid % 1_000_000) + "x" + n;
        FaultyLink link = null;
        try {
            link = new FaultyLink(namespace, "nfh" + suffix, "nfn" + suffix, freeSubnet(),
                    Files.createTempDirectory("faulty-link-"));
            String setupProblem = link.setUp();
            if (setupProblem != null) {
                link.close();
                Assumptions.abort("cannot build a network namespace here: " + setupProblem);
            }
            Runtime.getRuntime().addShutdownHook(link.shutdownHook);
            return link;
        } catch (IOException e) {
            if (link != null) {
                link.close();
            }
            throw new UncheckedIOException(e);
        }
    }

    /** The namespace's name, for commands a runbook runs in it ({@code ip netns exec NAME ...}). */
    public String namespace() {
        return namespace;
    }

    /** The host end of the veth: what peers inside the namespace connect to. */
    public InetAddress hostAddress() {
        return hostAddress;
    }

    /** A second address on the host end: a client bound to it can be singled out by a rule. */
    public InetAddress clientAddress() {
        return clientAddress;
    }

    /** The namespace end of the veth: where peers inside listen. */
    public InetAddress peerAddress() {
        return peerAddress;
    }

    /** Directory of the logs of the processes started inside. */
    public Path logs() {
        return logs;
    }

    /** Runs {@code ip netns exec <namespace> command...} in the background; stopped by {@link #close()}. */
    public Process startInside(String logName, String... command) throws IOException {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(logs.resolve(logName).toFile()).start();
        processes.add(process);
        return process;
    }

    /** A process of the test's on the host end (e.g. a source for a replica inside): stopped by {@link #close()} too. */
    void adopt(Process process) {
        processes.add(process);
    }

    /** Runs a command inside the namespace to its end; its output, or an exception naming it and its output. */
    public String runInside(String... command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        line.addAll(List.of(command));
        return run(line);
    }

    /**
     * A host peer (e.g. the test stack's S3Mock on loopback) reachable at the returned address inside
     * the namespace, so every byte to and from it crosses the veth twice: a {@link TcpRelay} process
     * in the namespace forwards to a relay in this JVM bound on {@link #hostAddress()}, which forwards
     * to the peer.
     */
    public InetSocketAddress bringInside(InetSocketAddress hostPeer) throws IOException {
        InetSocketAddress hostEnd = exposeToNamespace(hostPeer);
        int port = freePortGuess();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process relay = startInside("relay-" + port + ".log", java, "-Xmx32m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), TcpRelay.class.getName(),
                peerAddress.getHostAddress(), String.valueOf(port), hostAddress.getHostAddress(),
                String.valueOf(hostEnd.getPort()));
        InetSocketAddress inside = new InetSocketAddress(peerAddress, port);
        awaitListening(inside, relay, "relay-" + port + ".log");
        return inside;
    }

    /** A relay in this JVM on {@link #hostAddress()} towards a host peer, for peers inside the namespace. */
    public InetSocketAddress exposeToNamespace(InetSocketAddress hostPeer) throws IOException {
        TcpRelay relay = new TcpRelay(new InetSocketAddress(hostAddress, 0), hostPeer);
        relays.add(relay);
        return new InetSocketAddress(hostAddress, relay.port());
    }

    /** A loopback relay in this JVM towards {@code peer} that holds bytes for the link's {@link #delay}. */
    public InetSocketAddress delayed(InetSocketAddress peer) throws IOException {
        TcpRelay relay = new TcpRelay(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), peer).delay(delay);
        relays.add(relay);
        delayedRelays.add(relay);
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.port());
    }

    /** Every packet on the veth is dropped (silently, like a cut link) until {@link #heal()}. */
    public synchronized void partition() {
        partitioned = true;
        applyFaults();
    }

    /** TCP packets from or to {@code port} on the veth are dropped until {@link #heal()}. */
    public synchronized void partition(int port) {
        partitionedPorts.add(port);
        applyFaults();
    }

    /** Lifts every partition (loss, rate and delay stay). */
    public synchronized void heal() {
        partitioned = false;
        partitionedPorts.clear();
        applyFaults();
    }

    /** Drops this percentage of packets at random, in each direction, on the veth (0: none). */
    public synchronized void loss(double percent) {
        lossPercent = percent;
        applyFaults();
    }

    /** Shapes traffic leaving the namespace to a tc rate such as {@code 1mbit} (null: unlimited). */
    public synchronized void rate(String tcRate) {
        if (tcRate == null) {
            runInside("tc", "qdisc", "del", "dev", peerVeth, "root");
        } else {
            runInside("tc", "qdisc", "replace", "dev", peerVeth, "root", "tbf", "rate", tcRate, "burst", "32kbit",
                    "latency", "400ms");
        }
    }

    /** One-way delay of the relays made by {@link #delayed}, from now on. */
    public synchronized void delay(Duration oneWay) {
        delay = oneWay;
        delayedRelays.forEach(relay -> relay.delay(oneWay));
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        relays.forEach(TcpRelay::close);
        // Anything still running in the namespace was started in it by this link (its namespace is its own).
        String left = quietly("ip", "netns", "pids", namespace);
        if (left != null) {
            left.lines().map(String::trim).filter(pid -> pid.matches("\\d+")).map(Long::parseLong)
                    .flatMap(pid -> ProcessHandle.of(pid).stream()).forEach(ProcessHandle::destroyForcibly);
        }
        quietly("ip", "netns", "del", namespace);
        quietly("ip", "link", "del", hostVeth); // gone with the namespace, usually
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // this is the hook
        }
    }

    /** Null when the namespace, veth, addresses and fault chain are in place; else what failed. */
    private String setUp() {
        try {
            run(List.of("ip", "netns", "add", namespace));
            run(List.of("ip", "link", "add", hostVeth, "type", "veth", "peer", "name", peerVeth));
            run(List.of("ip", "link", "set", peerVeth, "netns", namespace));
            run(List.of("ip", "addr", "add", hostAddress.getHostAddress() + "/29", "dev", hostVeth));
            run(List.of("ip", "addr", "add", clientAddress.getHostAddress() + "/29", "dev", hostVeth));
            run(List.of("ip", "link", "set", hostVeth, "up"));
            runInside("ip", "addr", "add", peerAddress.getHostAddress() + "/29", "dev", peerVeth);
            runInside("ip", "link", "set", peerVeth, "up");
            runInside("ip", "link", "set", "lo", "up");
            runInside("iptables", "-N", CHAIN);
            runInside("iptables", "-A", "INPUT", "-i", peerVeth, "-j", CHAIN);
            runInside("iptables", "-A", "OUTPUT", "-o", peerVeth, "-j", CHAIN);
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /** Rebuilds the fault chain from the link's state: one flush and a few appends, inside the namespace. */
    private void applyFaults() {
        runInside("iptables", "-F", CHAIN);
        if (partitioned) {
            runInside("iptables", "-A", CHAIN, "-j", "DROP");
        }
        for (int port : partitionedPorts) {
            runInside("iptables", "-A", CHAIN, "-p", "tcp", "--dport", String.valueOf(port), "-j", "DROP");
            runInside("iptables", "-A", CHAIN, "-p", "tcp", "--sport", String.valueOf(port), "-j", "DROP");
        }
        if (lossPercent > 0) {
            runInside("iptables", "-A", CHAIN, "-m", "statistic", "--mode", "random", "--probability",
                    String.format(Locale.ROOT, "%.4f", lossPercent / 100), "-j", "DROP");
        }
    }

    private void awaitListening(InetSocketAddress address, Process process, String logName) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the process for " + address + " ended: " + Files.readString(logs.resolve(logName)));
            }
            try (Socket probe = new Socket()) {
                probe.connect(address, 500);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        throw new IOException("nothing listens on " + address + " after 30 s: " + Files.readString(logs.resolve(logName)));
    }

    /** A /29 of 10.231.0.0/16 that no interface of this host uses yet: {third byte, first host byte - 1}. */
    private static int[] freeSubnet() {
        String used = String.valueOf(quietly("ip", "-4", "-o", "addr"));
        for (int attempt = 0; attempt < 100; attempt++) {
            int a = ThreadLocalRandom.current().nextInt(256);
            int b = ThreadLocalRandom.current().nextInt(32) * 8;
            boolean taken = false;
            for (int host = b; host < b + 8; host++) {
                taken |= used.contains(" 10.231." + a + "." + host + "/");
            }
            if (!taken) {
                return new int[] { a, b };
            }
        }
        throw new IllegalStateException("no free /29 in 10.231.0.0/16");
    }

    /** A port number for a listener inside the namespace (its own port space: any unprivileged one is free). */
    private static int freePortGuess() {
        return 20_000 + ThreadLocalRandom.current().nextInt(30_000);
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            boolean ended = process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!ended) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end in " + COMMAND_TIMEOUT);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                        + ": " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + " interrupted", e);
        }
    }

    /** The output of a command that may fail, or null when it did. */
    private static String quietly(String... command) {
        try {
            return run(List.of(command));
        } catch (IllegalStateException e) {
            return null;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
