package dev.cutover.database;

import dev.cutover.step.ReadinessSignal;
import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Readiness input {@code frozen}: each listed source's write position must be the same as at the
 * previous sample — so the first sample is never ready, and one write anywhere starts the count of
 * the gate again.
 */
@Component
class WriteFreezeSignal implements ReadinessSignal {

    private final Map<String, WriteFreezeEngine> engines = new HashMap<>();

    WriteFreezeSignal(ObjectProvider<WriteFreezeEngine> engines) {
        engines.orderedStream().forEach(engine -> this.engines.put(engine.connectionType(), engine));
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(StepParameter.optional("frozen", Kind.LIST,
                "source databases (mysql, mongo) whose write position must stand still between samples"));
    }

    @Override
    public Optional<Probe> watch(StepContext context) {
        List<String> names = context.arguments().list("frozen");
        if (names.isEmpty()) {
            return Optional.empty();
        }
        Map<String, WritePosition> previous = new HashMap<>();
        return Optional.of(() -> {
            List<Reading> readings = new ArrayList<>();
            for (String name : names) {
                ResolvedConnection connection = context.connection(name);
                WriteFreezeEngine engine = engines.get(connection.type());
                String input = "freeze " + name;
                if (engine == null) {
                    readings.add(new Reading(input, false, "a " + connection.type() + " connection has no write position",
                            Map.of()));
                    continue;
                }
                WritePosition now = engine.writePosition(connection);
                WritePosition before = previous.put(name, now);
                boolean still = now.sameAs(before);
                readings.add(new Reading(input, still, before == null ? "first look at " + now.position()
                        : still ? "no write since the last sample (" + now.position() + ")"
                        : "written since the last sample: " + before.position() + " -> " + now.position(),
                        Map.of("position", now.position())));
            }
            return readings;
        });
    }
}
