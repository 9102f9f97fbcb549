package dev.cutover.database;

import java.util.ArrayList;
import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.DurationText;
import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.ShellCommand;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StopAwareSleep;
import dev.cutover.step.StepType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@code write-freeze}: stops writes to a source database, either the engine's own way
 * ({@code read-only} for MySQL, {@code fsync-lock} for MongoDB) or with a {@code command} such as an
 * iptables script. Verified by the source's write position standing still for a window; its
 * inverse lets writes in again.
 */
@Component
class WriteFreezeStepType implements StepType {

    static final String COMMAND = "command";
    /**
     * Short, because inside the write window it is pure waiting: the server's own read-only switches
     * are read as well, so the window only has to catch a writer the switches do not stop.
     */
    private static final Duration DEFAULT_WINDOW = Duration.ofMillis(200);

    private final Map<String, WriteFreezeEngine> engines;
    private final ShellCommand shell = new ShellCommand();

    @Autowired
    WriteFreezeStepType(ObjectProvider<WriteFreezeEngine> engines) {
        this(engines.orderedStream().toList());
    }

    WriteFreezeStepType(List<WriteFreezeEngine> engines) {
        this.engines = engines.stream().collect(Collectors.toMap(WriteFreezeEngine::connectionType, engine -> engine));
    }

    @Override
    public String name() {
        return "write-freeze";
    }

    @Override
    public String description() {
        return "Stops writes to a source database (read-only, fsync-lock or a command such as an iptables script) and "
                + "proves it: the write position must stand still for a window; rollback lets writes in again";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.required("connection", Kind.CONNECTION, "the source database whose writes stop (mysql or mongo)"),
                StepParameter.oneOf("strategy", true, "read-only (MySQL: read_only, plus super_read_only on MySQL 8), "
                        + "fsync-lock (MongoDB primary) or command", "read-only", "fsync-lock", COMMAND),
                StepParameter.optional("run", Kind.STRING, "strategy command: the freeze command line, e.g. runbooks/scripts/freeze.sh"),
                StepParameter.optional("undo", Kind.STRING, "strategy command: the command line that lifts the freeze (required)"),
                StepParameter.optional("env", Kind.MAP, "strategy command: extra environment variables"),
                StepParameter.optional("workdir", Kind.STRING, "strategy command: working directory"),
                StepParameter.optional("endSessionsOf", Kind.LIST, "MySQL: application users whose open sessions are "
                        + "ended, so no transaction already open can commit after the freeze"),
                StepParameter.optional("verifyWindow", Kind.DURATION, "how long the write position must stand still (default 200ms)"));
    }

    /**
     * A command freeze needs its undo before the window, not when the rollback comes; the command
     * fields mean nothing to the engine strategies, and ending sessions is read-only's.
     */
    @Override
    public List<StepArgumentProblem> validate(StepArguments with, Duration stepTimeout) {
        List<StepArgumentProblem> problems = new ArrayList<>();
        String strategy = with.string("strategy").orElse("");
        if (COMMAND.equals(strategy)) {
            if (with.string("run").isEmpty()) {
                problems.add(StepArgumentProblem.at("run", "strategy command needs run: (the command line that freezes "
                        + "writes, e.g. runbooks/scripts/freeze.sh)"));
            }
            if (with.string("undo").isEmpty()) {
                problems.add(StepArgumentProblem.at("undo", "strategy command needs undo: (the command line that lifts "
                        + "the freeze); a freeze that cannot be lifted is not reversible"));
            }
        } else {
            for (String commandOnly : List.of("run", "undo", "env", "workdir")) {
                if (with.string(commandOnly).isPresent()) {
                    problems.add(StepArgumentProblem.at(commandOnly, commandOnly + " applies only to strategy command; "
                            + "strategy " + strategy + " does not run it: remove it, or use strategy: command"));
                }
            }
        }
        if (!with.list("endSessionsOf").isEmpty() && !"read-only".equals(strategy)) {
            problems.add(StepArgumentProblem.at("endSessionsOf", "endSessionsOf applies only to strategy read-only "
                    + "(MySQL); strategy " + strategy + " does not end sessions: remove it"));
        }
        return problems;
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        ResolvedConnection connection = context.connection(args.requiredString("connection"));
        String strategy = args.requiredString("strategy");
        WriteFreezeEngine engine = engine(connection);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("connection", connection.name());
        evidence.put("strategy", strategy);
        evidence.put("positionBefore", engine.writePosition(connection).detail());
        if (COMMAND.equals(strategy)) {
            if (args.string("run").isEmpty() || args.string("undo").isEmpty()) {
                throw new StepFailedException("strategy command needs both run: (the freeze) and undo: (its inverse); "
                        + "a freeze that cannot be lifted is not reversible", evidence);
            }
            evidence.put("command", command(context, "run").evidence());
        } else if (strategy.equals(engine.strategy())) {
            evidence.putAll(engine.freeze(connection, context));
        } else {
            throw new StepFailedException("strategy " + strategy + " does not apply to " + connection.type() + " connection '"
                    + connection.name() + "'; use " + engine.strategy() + " or command", evidence);
        }
        return StepOutcome.succeeded("writes to " + connection.name() + " frozen (" + strategy + ")", evidence);
    }

    @Override
    public StepOutcome verify(StepContext context, StepOutcome executed) throws Exception {
        ResolvedConnection connection = context.connection(context.arguments().requiredString("connection"));
        WriteFreezeEngine engine = engine(connection);
        Duration window = context.arguments().duration("verifyWindow").orElse(DEFAULT_WINDOW);
        Map<String, Object> evidence = new LinkedHashMap<>(executed.evidence());
        // The engine's own freeze has a server to ask; a command's freeze is proven by the position alone.
        boolean ask = engine.strategy().equals(context.arguments().requiredString("strategy"));
        WriteFreezeEngine.Reading first;
        WriteFreezeEngine.Reading second;
        try (WriteFreezeEngine.FreezeWatch watch = engine.watch(connection)) {
            first = read(watch, context, connection, evidence, ask, "serverSays");
            // The window runs from the first reading: telling the dashboard about it happens inside it.
            long windowEnds = System.nanoTime() + window.toNanos();
            context.progress("watching the write position of " + connection.name() + " for " + DurationText.of(window),
                    Map.of("position", first.position().position()));
            StopAwareSleep.until(windowEnds, context, "verifying the freeze", "verify window");
            second = read(watch, context, connection, evidence, ask, "serverSaysAtWindowEnd");
        }
        String serverText = ask ? first.serverSays().map(says -> "; server says " + says.text()).orElse("") : "";
        evidence.put("verifyWindowMs", window.toMillis());
        evidence.put("positionAtWindowStart", first.position().detail());
        evidence.put("positionAtWindowEnd", second.position().detail());
        if (!second.position().sameAs(first.position())) {
            throw new StepFailedException("writes still land on " + connection.name() + ": its write position moved from "
                    + first.position().position() + " to " + second.position().position() + " within "
                    + DurationText.of(window), evidence);
        }
        return StepOutcome.succeeded(executed.summary() + "; write position stood still at " + first.position().position()
                + " for " + DurationText.of(window) + serverText, evidence);
    }

    /**
     * One reading of the watched database; with the engine's own freeze, the server's word goes into
     * the evidence under {@code key} and must say frozen, at the window's start and at its end.
     */
    private static WriteFreezeEngine.Reading read(WriteFreezeEngine.FreezeWatch watch, StepContext context,
                                                  ResolvedConnection connection, Map<String, Object> evidence,
                                                  boolean ask, String key) throws Exception {
        long asked = System.nanoTime();
        WriteFreezeEngine.Reading reading = watch.read();
        context.waited(ask ? "server freeze switches and write position query" : "write position query",
                Duration.ofNanos(System.nanoTime() - asked));
        if (ask && reading.serverSays().isPresent()) {
            WriteFreezeEngine.ServerFreezeState says = reading.serverSays().get();
            evidence.put(key, says.evidence());
            if (!says.frozen()) {
                throw new StepFailedException("the freeze does not hold: " + connection.name() + " says " + says.text(),
                        evidence);
            }
        }
        return reading;
    }

    @Override
    public StepOutcome rollback(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        ResolvedConnection connection = context.connection(args.requiredString("connection"));
        String strategy = args.requiredString("strategy");
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("connection", connection.name());
        evidence.put("strategy", strategy);
        if (COMMAND.equals(strategy)) {
            if (args.string("undo").isEmpty()) {
                throw new StepFailedException("no undo: command declared; writes to " + connection.name() + " stay frozen", evidence);
            }
            evidence.put("command", command(context, "undo").evidence());
        } else {
            evidence.putAll(engine(connection).unfreeze(connection, context));
        }
        return StepOutcome.succeeded("writes to " + connection.name() + " let in again (" + strategy + " lifted)", evidence);
    }

    @Override
    public boolean hasOwnRollback() {
        return true;
    }

    /** Runs the freeze ({@code run}) or its inverse ({@code undo}) within the step's timeout. */
    private StepOutcome command(StepContext context, String which) throws Exception {
        StepArguments args = context.arguments();
        return shell.run(context, new ShellCommand.Line(args.requiredString(which), context.timeout(), args.map("env"),
                args.string("workdir").orElse(null), 0));
    }

    private WriteFreezeEngine engine(ResolvedConnection connection) throws StepFailedException {
        WriteFreezeEngine engine = engines.get(connection.type());
        if (engine == null) {
            throw new StepFailedException("connection '" + connection.name() + "' is of type " + connection.type()
                    + "; write-freeze works on " + String.join(" and ", engines.keySet().stream().sorted().toList())
                    + " connections", Map.of("connection", connection.name()));
        }
        return engine;
    }
}
