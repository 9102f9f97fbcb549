package dev.cutover.step;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ends a process and everything it started: TERM to the whole tree, then KILL to whatever is
 * still alive after a grace period. Descendants are listed before anything is signalled, since a
 * child whose parent died is re-parented and no longer shows up as a descendant; handles keep
 * working after that, and they check the start time, so a reused pid is never signalled.
 */
final class ProcessTree {

    private ProcessTree() {
    }

    static void kill(Process process, Duration grace) throws InterruptedException {
        List<ProcessHandle> tree = members(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline) {
            addNewMembers(process.toHandle(), tree);
            if (tree.stream().noneMatch(ProcessHandle::isAlive)) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        addNewMembers(process.toHandle(), tree);
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The root first, so that it cannot react to its children dying, then its descendants. */
    private static List<ProcessHandle> members(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        tree.addAll(root.descendants().toList());
        return tree;
    }

    /** Catches children forked after the first listing, while their parent was still alive. */
    private static void addNewMembers(ProcessHandle root, List<ProcessHandle> tree) {
        root.descendants().filter(handle -> !tree.contains(handle)).forEach(handle -> {
            tree.add(handle);
            handle.destroy();
        });
    }
}
