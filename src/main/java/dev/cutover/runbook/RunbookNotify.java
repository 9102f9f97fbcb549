package dev.cutover.runbook;

import java.util.List;
import java.util.Map;

/** A runbook's {@code notify:} section: its channels by name and the routes of events to them. */
public record RunbookNotify(Map<String, NotifyChannel> channels, List<NotifyRoute> routes) {

    /** A runbook without a {@code notify:} section notifies nobody. */
    public static final RunbookNotify NONE = new RunbookNotify(Map.of(), List.of());

    public RunbookNotify {
        channels = Map.copyOf(channels);
        routes = List.copyOf(routes);
    }

    /** The routes that carry this event. */
    public List<NotifyRoute> routesFor(NotifyEvent event) {
        return routes.stream().filter(route -> route.on().contains(event)).toList();
    }
}
