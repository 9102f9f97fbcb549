package dev.cutover.cutover.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.cutover.cutover.Actor;
import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.cutover.state.CutoverStepRepository;
import dev.cutover.instance.InstanceLeases;
import dev.cutover.instance.ServiceInstance;
import dev.cutover.testsupport.MigratedH2;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 15 (load): the total shown with every page of a cutover's events is a row kept with each
 * append, in the append's transaction, instead of a count of the cutover's events (which H2 answers
 * by reading every one of them). It stays exact under concurrent appends, with rolled-back appends,
 * and for cutovers that existed before the total (the migration counts them once).
 */
class EventTotalsTest {

    private static final MigratedH2 database = MigratedH2.create(); // shared: each test has cutovers of its own
    private static final EventLog log = eventLog(database.dataSource());

    /** An event log as the service wires it, on the given database (the repositories append never uses are mocks). */
    static EventLog eventLog(DataSource dataSource) {
        InstanceLeases instances = mock(InstanceLeases.class);
        when(instances.self()).thenReturn(new ServiceInstance("instance-a", "localhost", 1));
        return new EventLog(JdbcClient.create(dataSource), JsonMapper.builder().build(),
                mock(ApplicationEventPublisher.class), mock(CutoverRepository.class), mock(CutoverStepRepository.class),
                instances, new DataSourceTransactionManager(dataSource));
    }

    /** {@code each} appends from each of two threads to one cutover, then its total. */
    static long totalAfterConcurrentAppends(EventLog log, String cutover, int each) {
        var threads = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Void>> appends = List.of(1, 2).stream().map(thread -> CompletableFuture.runAsync(() -> {
                for (int i = 0; i < each; i++) {
                    log.append(cutover, "run", "s" + thread, new Actor("test", null), "step", "succeeded", "n" + i, Map.of());
                }
            }, threads)).toList();
            appends.forEach(CompletableFuture::join);
        } finally {
            threads.shutdown();
        }
        return log.count(cutover);
    }

    @Test
    void appendsFromTwoThreadsAreAllCounted() {
        String cutover = database.cutover("load", false);
        database.events(List.of(cutover), 10);

        assertThat(totalAfterConcurrentAppends(log, cutover, 150)).isEqualTo(310);
        assertThat(database.jdbc().sql("SELECT COUNT(*) FROM cutover_event WHERE cutover_id = ?").param(cutover)
                .query(Long.class).single()).isEqualTo(310);
    }

    @Test
    void anAppendRolledBackWithItsCallersTransactionIsNotCounted() {
        String cutover = database.cutover("load", false);
        log.append(cutover, null, null, new Actor("test", null), "create", "succeeded", null, Map.of());

        new TransactionTemplate(new DataSourceTransactionManager(database.dataSource())).executeWithoutResult(status -> {
            log.append(cutover, null, null, new Actor("test", null), "start", "succeeded", null, Map.of());
            status.setRollbackOnly();
        });

        assertThat(log.count(cutover)).isEqualTo(1);
    }

    /** A cutover created by an instance of the previous version during a rolling upgrade has no total yet. */
    @Test
    void aCutoverWithoutATotalIsCountedOnceAtItsNextAppend() {
        String cutover = database.cutover("load", false);
        database.events(List.of(cutover), 20);
        database.jdbc().sql("DELETE FROM cutover_event_total WHERE cutover_id = ?").param(cutover).update();

        log.append(cutover, null, null, new Actor("test", null), "pause", "succeeded", null, Map.of());
        log.append(cutover, null, null, new Actor("test", null), "resume", "succeeded", null, Map.of());

        assertThat(log.count(cutover)).isEqualTo(22);
    }

    @Test
    void theMigrationCountsTheEventsOfEveryExistingCutoverOnce() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:totals-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        Flyway.configure().dataSource(h2).locations("classpath:db/migration/h2").target("17").load().migrate();
        JdbcClient jdbc = JdbcClient.create(h2);
        for (String id : List.of("busy", "quiet")) {
            jdbc.sql("""
                    INSERT INTO cutover (id, runbook, environment, rehearsal, state, version, created_by, created_at,
                      updated_at)
                    VALUES (?, 'load', 'local', FALSE, 'COMPLETED', 0, 'test', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""")
                    .param(id).update();
        }
        for (int i = 0; i < 7; i++) {
            jdbc.sql("""
                    INSERT INTO cutover_event (cutover_id, occurred_at, actor, action, outcome)
                    VALUES ('busy', CURRENT_TIMESTAMP, 'test', 'step', 'succeeded')""").update();
        }

        Flyway.configure().dataSource(h2).locations("classpath:db/migration/h2").load().migrate();

        EventLog migrated = eventLog(h2);
        assertThat(migrated.count("busy")).isEqualTo(7);
        assertThat(migrated.count("quiet")).isZero();
        migrated.append("quiet", null, null, new Actor("test", null), "create", "succeeded", null, Map.of());
        assertThat(migrated.count("quiet")).isEqualTo(1);
    }
}
