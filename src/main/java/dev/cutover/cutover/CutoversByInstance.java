package dev.cutover.cutover;

import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.instance.InstanceWork;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import org.springframework.stereotype.Component;

/** The cutovers whose phase or rollback execution an instance runs, for the list of instances. */
@Component
class CutoversByInstance implements InstanceWork {

    private static final EnumSet<CutoverState> UNDER_WAY = EnumSet.of(CutoverState.RUNNING,
            CutoverState.AWAITING_APPROVAL, CutoverState.PAUSING, CutoverState.ROLLING_BACK);

    private final CutoverRepository cutovers;

    CutoversByInstance(CutoverRepository cutovers) {
        this.cutovers = cutovers;
    }

    @Override
    public List<Item> underWay() {
        return cutovers.findOwnedInStates(UNDER_WAY).stream().filter(owned -> owned.owner() != null)
                .map(owned -> {
                    Cutover cutover = owned.cutover();
                    String what = (cutover.state() == CutoverState.ROLLING_BACK ? "rollback" : "phase "
                            + Objects.requireNonNullElse(cutover.currentPhase(), "?")) + " of " + cutover.runbook()
                            + " (" + cutover.environment() + ")";
                    return new Item(owned.owner(), "cutover", cutover.id(), cutover.state().name(), what);
                }).toList();
    }
}
