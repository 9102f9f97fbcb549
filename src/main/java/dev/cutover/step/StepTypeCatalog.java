package dev.cutover.step;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** All step types contributed by the modules, by name. */
@Component
public class StepTypeCatalog {

    private final Map<String, StepType> byName = new TreeMap<>();

    public StepTypeCatalog(List<StepType> types) {
        for (StepType type : types) {
            StepType previous = byName.put(type.name(), type);
            if (previous != null) {
                throw new IllegalStateException("two step types are named '" + type.name() + "': "
                        + previous.getClass().getName() + " and " + type.getClass().getName());
            }
        }
    }

    public Optional<StepType> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<StepType> all() {
        return byName.values();
    }
}
