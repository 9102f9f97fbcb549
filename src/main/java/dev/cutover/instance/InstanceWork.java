package dev.cutover.instance;

import java.util.List;

/**
 * What a module runs on behalf of an instance (a cutover's phase, a sync run), for the list of
 * instances: each module that records an owner instance on its work answers for its own rows, so the
 * instance module needs to know none of them.
 */
public interface InstanceWork {

    /** The work whose recorded owner is one of the instances and which is still under way. */
    List<Item> underWay();

    /**
     * One piece of work.
     *
     * @param instanceId the owner recorded on it
     * @param kind       e.g. {@code cutover}, {@code sync}
     * @param id         its id in its own API
     * @param state      its state, e.g. {@code RUNNING}
     * @param what       in words, e.g. {@code phase migrate of runbook walkthrough}
     */
    record Item(String instanceId, String kind, String id, String state, String what) {
    }
}
