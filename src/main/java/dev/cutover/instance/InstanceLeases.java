package dev.cutover.instance;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The lease rows of the instances sharing the database. Every time is the database's
 * ({@code CURRENT_TIMESTAMP}), so instances whose clocks disagree still agree on who is alive. A
 * small table of our own rather than ShedLock or Spring Integration's lock registry: those hold one
 * lock by name for one owner, while here every instance holds its own row and the others need to
 * ask whether a given instance still lives, and who it was (host, pid) to name it in the event log.
 */
@Component
@EnableConfigurationProperties(InstanceSettings.class)
public class InstanceLeases {

    /** How often a start looks whether a previous holder of its id still renews that id's lease. */
    private static final Duration HOLDER_POLL = Duration.ofMillis(200);
    private static final Duration HOLDER_MARGIN = Duration.ofSeconds(1);

    private final JdbcClient jdbc;
    private final InstanceSettings settings;
    private final ServiceInstance self;

    InstanceLeases(JdbcClient jdbc, InstanceSettings settings) {
        this.jdbc = jdbc;
        this.settings = settings;
        String host = hostName();
        long pid = ProcessHandle.current().pid();
        String id = settings.id() == null || settings.id().isBlank()
                ? host + "-" + pid + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6)
                : settings.id().trim();
        this.self = new ServiceInstance(id, host, pid);
    }

    /** This process. */
    public ServiceInstance self() {
        return self;
    }

    public Duration lease() {
        return settings.lease();
    }

    /** The ones among {@code ids} whose lease has not expired. */
    public Set<String> alive(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql("SELECT id FROM service_instance WHERE id IN (:ids) "
                        + "AND expires_at > CURRENT_TIMESTAMP(6)")
                .param("ids", ids).query(String.class).list());
    }

    /**
     * As {@link #alive(Collection)}, except that an instance on this host whose process is gone
     * counts as dead at once: after a kill -9 and a restart on the same machine, the new process
     * need not wait for the old lease to run out (a single instance on an embedded database is
     * always in this case). For startup; the periodic checks rely on the lease alone.
     */
    public Set<String> stillRunning(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        Set<String> running = new HashSet<>();
        jdbc.sql("SELECT id, host, pid FROM service_instance WHERE id IN (:ids) AND expires_at > CURRENT_TIMESTAMP(6)")
                .param("ids", ids)
                .query((rs, row) -> new ServiceInstance(rs.getString("id"), rs.getString("host"), rs.getLong("pid")))
                .list().forEach(instance -> {
                    boolean goneHere = instance.host().equals(self.host()) && instance.pid() != self.pid()
                            && ProcessHandle.of(instance.pid()).map(process -> !process.isAlive()).orElse(true);
                    if (!goneHere) {
                        running.add(instance.id());
                    }
                });
        return running;
    }

    /**
     * Tells, for each of {@code owners} (null: a row from before leases), whether its work is an
     * orphan no live instance is doing. At startup: rows without an owner, this instance's own earlier
     * rows and those of instances not {@link #stillRunning}; later, only those whose lease expired.
     * One reading of the leases for all of them.
     */
    public Predicate<String> orphans(Collection<String> owners, boolean startup) {
        Set<String> named = owners.stream().filter(Objects::nonNull).collect(Collectors.toSet());
        Set<String> alive = startup ? stillRunning(named) : alive(named);
        return owner -> owner == null || owner.equals(self.id()) ? startup : !alive.contains(owner);
    }

    /** The other instances whose lease runs, the most recently renewed first: who could take work over now. */
    public List<String> liveOthers() {
        return jdbc.sql("SELECT id FROM service_instance WHERE id <> ? AND expires_at > CURRENT_TIMESTAMP(6) "
                + "ORDER BY renewed_at DESC, id").param(self.id()).query(String.class).list();
    }

    public boolean alive(String id) {
        return !alive(Set.of(id)).isEmpty();
    }

    /** The instance of that id as it last registered, alive or not. */
    public Optional<ServiceInstance> find(String id) {
        return jdbc.sql("SELECT id, host, pid FROM service_instance WHERE id = ?").param(id)
                .query((rs, row) -> new ServiceInstance(rs.getString("id"), rs.getString("host"), rs.getLong("pid")))
                .optional();
    }

    /** How to name an instance in a message: with host and pid when it ever registered. */
    public String describe(String id) {
        return find(id).map(ServiceInstance::describe).orElse(id);
    }

    /**
     * At startup: this instance's row, new. A previous holder of the same id is taken to be an earlier
     * process of this instance, and its work this instance's own; so while another process may still
     * renew that row (a live lease held on another host, or by another live process here), this waits
     * up to one lease for it to run out, and refuses to start when the row is renewed meanwhile: two
     * instances under one id would take each other's running phases over.
     */
    void register() {
        Optional<Holder> holder = otherHolder();
        long deadline = System.nanoTime() + settings.lease().toNanos() + HOLDER_MARGIN.toNanos();
        while (holder.isPresent() && System.nanoTime() < deadline) {
            sleep(HOLDER_POLL);
            Optional<Holder> now = otherHolder();
            if (now.isPresent() && now.get().renewedAt().after(holder.get().renewedAt())) {
                ServiceInstance other = now.get().instance();
                throw new IllegalStateException("service instance id " + self.id() + " is in use by a live instance ("
                        + "host " + other.host() + ", pid " + other.pid() + ") that still renews its lease: every "
                        + "instance sharing the database needs its own cutover.instance.id (CUTOVER_INSTANCE_ID)");
            }
            holder = now;
        }
        jdbc.sql("DELETE FROM service_instance WHERE id = ?").param(self.id()).update();
        insert();
    }

    /** This id's lease row as another process left it, while its lease runs and that process may be alive. */
    private record Holder(ServiceInstance instance, java.sql.Timestamp renewedAt) {
    }

    private Optional<Holder> otherHolder() {
        return jdbc.sql("SELECT id, host, pid, renewed_at FROM service_instance WHERE id = ? AND expires_at > "
                        + "CURRENT_TIMESTAMP(6)").param(self.id())
                .query((rs, row) -> new Holder(new ServiceInstance(rs.getString("id"), rs.getString("host"),
                        rs.getLong("pid")), rs.getTimestamp("renewed_at")))
                .optional()
                .filter(holder -> !holder.instance().host().equals(self.host())
                        || holder.instance().pid() != self.pid()
                        && ProcessHandle.of(holder.instance().pid()).map(ProcessHandle::isAlive).orElse(false));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the lease of a previous holder of this id", e);
        }
    }

    /**
     * Extends the lease by one period from now; returns false when the row had already expired
     * (this process stalled or lost the database for longer than the lease: others may have taken
     * its work over) or was missing (then it is inserted again).
     */
    boolean renew() {
        boolean wasAlive = jdbc.sql("SELECT COUNT(*) FROM service_instance WHERE id = ? AND expires_at > "
                + "CURRENT_TIMESTAMP(6)").param(self.id()).query(Long.class).single() > 0;
        int updated = jdbc.sql("UPDATE service_instance SET renewed_at = CURRENT_TIMESTAMP(6), "
                        + "expires_at = TIMESTAMPADD(MICROSECOND, ?, CURRENT_TIMESTAMP(6)) WHERE id = ?")
                .params(micros(settings.lease()), self.id()).update();
        if (updated == 0) {
            try {
                insert();
            } catch (DuplicateKeyException raced) {
                // inserted meanwhile by a renewal of our own: it is there
            }
        }
        return wasAlive;
    }

    /** On a graceful stop: the lease ends now, so the others need not wait for it to run out. */
    void release() {
        jdbc.sql("UPDATE service_instance SET expires_at = CURRENT_TIMESTAMP(6) WHERE id = ?").param(self.id()).update();
    }

    private void insert() {
        jdbc.sql("INSERT INTO service_instance (id, host, pid, started_at, renewed_at, expires_at) VALUES "
                        + "(?, ?, ?, CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6), TIMESTAMPADD(MICROSECOND, ?, CURRENT_TIMESTAMP(6)))")
                .params(self.id(), self.host(), self.pid(), micros(settings.lease())).update();
    }

    InstanceSettings settings() {
        return settings;
    }

    private static long micros(Duration duration) {
        return duration.toNanos() / 1000;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
