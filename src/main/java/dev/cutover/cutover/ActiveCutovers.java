package dev.cutover.cutover;

import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.cutover.state.PinnedRunbooks;
import dev.cutover.runbook.Runbook;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The cutovers that are not over yet, each with its pinned runbook: what war-room metrics and
 * connection health watch. Completed, rolled-back and aborted cutovers are over, so their figures
 * stop being exported and nothing keeps alerting about them; a failed cutover still waits for a
 * person, so it stays.
 */
@Component
public class ActiveCutovers {

    static final Set<CutoverState> OVER = EnumSet.of(CutoverState.COMPLETED, CutoverState.ROLLED_BACK,
            CutoverState.ABORTED);

    /**
     * @param runbook empty when the pinned runbook cannot be had (then nothing is said about timeouts or connections)
     */
    public record Active(CutoverView view, Optional<Runbook> runbook) {
    }

    private final CutoverRepository cutovers;
    private final CutoverViews views;
    private final PinnedRunbooks runbooks;

    ActiveCutovers(CutoverRepository cutovers, CutoverViews views, PinnedRunbooks runbooks) {
        this.cutovers = cutovers;
        this.views = views;
        this.runbooks = runbooks;
    }

    public List<Active> now() {
        return cutovers.findInStates(EnumSet.complementOf(EnumSet.copyOf(OVER))).stream()
                .map(cutover -> new Active(views.view(cutover), runbooks.find(cutover)))
                .toList();
    }

    /** The ids of the cutovers that are not over: {@link #now()} without building their views and runbooks. */
    public Set<String> ids() {
        return cutovers.findInStates(EnumSet.complementOf(EnumSet.copyOf(OVER))).stream().map(Cutover::id)
                .collect(java.util.stream.Collectors.toSet());
    }

    /** One cutover if it is not over; empty when it is over or unknown. */
    public Optional<Active> find(String id) {
        return cutovers.find(id).filter(cutover -> !OVER.contains(cutover.state()))
                .map(cutover -> new Active(views.view(cutover), runbooks.find(cutover)));
    }
}
