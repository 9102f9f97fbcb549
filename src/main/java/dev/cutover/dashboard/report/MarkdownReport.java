package dev.cutover.dashboard.report;


/**
 * The report as Markdown (GitHub-flavoured tables), for a post-mortem document or a ticket. Same
 * sections and wording as the HTML; evidence as nested lists; cells escaped so that a pipe or a line
 * break in a message never breaks a table.
 */
final class MarkdownReport {

    private static final ReportText TEXT = new ReportText();

    private final StringBuilder out = new StringBuilder();

    private MarkdownReport() {
    }

    static String render(NightReport report) {
        return new MarkdownReport().write(report);
    }

    private String write(NightReport report) {
        NightReport.Header h = report.header();
        line("# Report of " + (h.rehearsal() ? "rehearsal" : "cutover") + " " + h.cutoverId());
        line("");
        line("| | |");
        line("|---|---|");
        row("Runbook", h.runbook());
        row("Runbook SHA-256", "`" + TEXT.or(h.runbookSha256()) + "`");
        row("Environment", h.environment());
        row("Kind", h.rehearsal() ? "rehearsal (a drill: its times forecast the real window)" : "real cutover");
        row("Final state", TEXT.state(h.state()) + (h.ended() ? "" : " (not ended when this report was made)"));
        row("Created", TEXT.time(h.createdAt()) + " by " + h.createdBy());
        row("Started", TEXT.time(h.startedAt()));
        row("Ended", TEXT.time(h.endedAt()));
        row("Total duration", TEXT.total(h));
        row("Forecast", h.forecastBasis());
        row("Window", h.windowVerdict());
        row("Point of no return", h.pointOfNoReturn());
        line("");

        line("## Timeline");
        line("");
        line("| Phase | Step | Type | Owner | Outcome | Start | End | Duration | Attempts | p50 | p90 | vs p50 |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (NightReport.PhaseLine phase : report.timeline()) {
            row("**" + phase.name() + "**" + (phase.pointOfNoReturn() ? " (point of no return)" : ""), "", "", "",
                    TEXT.state(phase.state()), TEXT.clock(phase.startedAt()), TEXT.clock(phase.endedAt()),
                    TEXT.duration(phase.durationSeconds()), "", TEXT.p50(phase.forecast()), TEXT.p90(phase.forecast()),
                    versus(phase.forecast()));
            for (NightReport.StepLine step : phase.steps()) {
                row("", step.parallelGroup() == null ? step.id()
                                : step.id() + " (in parallel: " + step.parallelGroup() + ")", step.type(), TEXT.or(step.owner()), TEXT.outcome(step), TEXT.clock(step.startedAt()),
                        TEXT.clock(step.endedAt()), TEXT.duration(step.durationSeconds()), attempts(step),
                        TEXT.p50(step.forecast()), TEXT.p90(step.forecast()), versus(step.forecast()));
            }
        }
        line("");
        line("Times in UTC. A step that ran more than once shows its last run (the forecast times that run too).");
        line("");

        line("## Decisions");
        line("");
        if (report.decisions().isEmpty()) {
            line("No decision was recorded.");
        }
        for (NightReport.Decision d : report.decisions()) {
            line("### " + TEXT.clock(d.at()) + " · " + d.action() + where(d.phase(), d.stepId()) + " · " + d.actor());
            line("");
            line("- **When:** " + TEXT.time(d.at()));
            line("- **Who:** " + d.actor() + (d.origin() == null ? "" : " from " + d.origin()));
            line("- **Outcome:** " + d.outcome() + (d.message() == null ? "" : " — " + cell(d.message())));
            if (d.waitedSeconds() != null) {
                line("- **The gate waited:** " + TEXT.duration(d.waitedSeconds()));
            }
            if (!d.asked().isEmpty()) {
                line("- **The gate asked for:**");
                evidence(d.shownAsked(), 1);
            }
            if (!d.evidence().isEmpty()) {
                line("- **Evidence recorded:**");
                evidence(d.shownEvidence(), 1);
            }
            line("");
        }

        line("## Evidence of each step");
        line("");
        if (report.evidence().isEmpty()) {
            line("No step has ended yet.");
        }
        for (NightReport.StepEvidence e : report.evidence()) {
            line("### " + e.phase() + " / " + e.stepId() + " (" + e.type() + (e.gate() ? ", gate" : "") + ")");
            line("");
            line("- **" + e.outcome() + "** at " + TEXT.time(e.at()) + (e.summary() == null ? "" : ": "
                    + cell(e.summary())));
            evidence(e.shown(), 0);
            line("");
        }

        if (!report.lagGates().isEmpty()) {
            line("## Replication lag at the gates");
            line("");
            line("| Gate | Replica / member | Samples | Unknown | Max lag | Threshold | First within threshold |");
            line("|---|---|---|---|---|---|---|");
            for (NightReport.LagSummary l : report.lagGates()) {
                row(where(l.phase(), l.stepId()).replaceFirst("^ in ", ""), l.series(), Long.toString(l.samples()),
                        Long.toString(l.unknown()), TEXT.lag(l.maxLagMs()), TEXT.lag(l.thresholdMs()),
                        l.firstWithin() == null ? "never" : TEXT.time(l.firstWithin()));
            }
            line("");
        }

        if (!report.metricGates().isEmpty()) {
            line("## Metrics at the gates");
            line("");
            line("| Gate | Query | Samples | No data | Min | Max | Pass | failWhen | First pass |");
            line("|---|---|---|---|---|---|---|---|---|");
            for (NightReport.MetricSummary m : report.metricGates()) {
                row(where(m.phase(), m.stepId()).replaceFirst("^ in ", ""), m.series(), Long.toString(m.samples()),
                        Long.toString(m.noData()), TEXT.metric(m.min(), m.unit()), TEXT.metric(m.max(), m.unit()),
                        TEXT.or(m.pass()), TEXT.or(m.failWhen()), m.firstPass() == null ? "never" : TEXT.time(m.firstPass()));
            }
            line("");
        }

        line("## Failures and retries");
        line("");
        if (report.failures().isEmpty()) {
            line("None: no step failed and none was retried.");
        } else {
            line("| Time | Where | Action | Outcome | Message |");
            line("|---|---|---|---|---|");
            for (NightReport.Incident i : report.failures()) {
                row(TEXT.clock(i.at()), where(i.phase(), i.stepId()).replaceFirst("^ in ", ""), i.action(), i.outcome(),
                        TEXT.or(i.message()));
            }
        }
        line("");

        line("## Rollback");
        line("");
        NightReport.Rollback r = report.rollback();
        if (r == null) {
            line("No rollback was ordered.");
        } else {
            line("Ordered by **" + TEXT.or(r.orderedBy()) + "**" + (r.origin() == null ? "" : " from " + r.origin())
                    + " at " + TEXT.time(r.orderedAt()) + (r.reason() == null ? "" : ": " + cell(r.reason())) + ".");
            line("Outcome: **" + r.outcome() + "**; started " + TEXT.time(r.startedAt()) + ", ended "
                    + TEXT.time(r.endedAt()) + ", took " + TEXT.duration(r.durationSeconds()) + ".");
            line("");
            line("| # | Step | Phase | What ran | Start | End | Duration | Outcome | Message |");
            line("|---|---|---|---|---|---|---|---|---|");
            for (NightReport.Inverse i : r.inverses()) {
                row(Integer.toString(i.order()), i.stepId(), TEXT.or(i.phase()), TEXT.or(i.what()), TEXT.clock(i.startedAt()),
                        TEXT.clock(i.endedAt()), TEXT.duration(i.durationSeconds()),
                        i.outcome() + (i.retries() > 0 ? " after " + i.retries() + " retr" + (i.retries() == 1 ? "y" : "ies") : ""),
                        TEXT.or(i.message()));
            }
        }
        line("");

        NightReport.Comparison c = report.comparison();
        if (c != null) {
            line("## Against the previous rehearsals");
            line("");
            line(c.basis() + ".");
            line("");
            if (c.previousRehearsals() == 0) {
                line("This is the first rehearsal of " + h.runbook() + " in " + h.environment() + ".");
            } else {
                line("| Step | This run | Earlier p50 | Earlier p90 | Min–max | Earlier runs | vs p50 |");
                line("|---|---|---|---|---|---|---|");
                for (NightReport.StepComparison s : c.steps()) {
                    row(s.phase() + " / " + s.stepId(), TEXT.duration(s.thisSeconds()),
                            TEXT.duration(s.others().p50Seconds()), TEXT.duration(s.others().p90Seconds()),
                            s.minSeconds() == null ? "—" : TEXT.duration(s.minSeconds()) + " – " + TEXT.duration(s.maxSeconds()),
                            s.others().samples() == null ? "0" : s.others().samples().toString(), TEXT.versus(s.others()));
                }
                row("**Total**", TEXT.duration(c.thisTotalSeconds()), TEXT.duration(c.total().p50Seconds()),
                        TEXT.duration(c.total().p90Seconds()), "", c.total().samples() == null ? "0"
                                : c.total().samples().toString(), TEXT.versus(c.total()));
                line("");
                line("Earlier rehearsals:");
                line("");
                for (NightReport.PreviousRun p : c.previous()) {
                    line("- " + p.cutoverId() + ", created " + TEXT.time(p.createdAt()) + ", " + TEXT.state(p.state())
                            + ", " + p.stepsTimed() + " step(s) timed, " + TEXT.duration(p.totalSeconds())
                            + (p.complete() ? "" : " (did not run every step)"));
                }
            }
            line("");
        }

        NightReport.Footer f = report.footer();
        line("---");
        line("");
        line("Generated " + TEXT.time(f.generatedAt()) + " for " + f.generatedFor() + " by Cutover Orchestrator "
                + f.serviceVersion() + " from " + f.eventCount() + " event(s) of the cutover's event log.");
        return out.toString();
    }

    /** The difference in words, or why there is no forecast. */
    private static String versus(NightReport.Forecast forecast) {
        return forecast.available() ? TEXT.versus(forecast) : forecast.verdict();
    }

    private static String attempts(NightReport.StepLine step) {
        if (step.attempts() == 0) {
            return "—";
        }
        return step.attempts() + (step.runs() > 1 ? " in " + step.runs() + " runs" : "");
    }

    private static String where(String phase, String step) {
        if (phase == null && step == null) {
            return "";
        }
        return " in " + (step == null ? phase : phase == null ? step : phase + " / " + step);
    }

    /** Evidence as nested lists, indented two spaces a level. */
    private void evidence(Shown shown, int depth) {
        String indent = "  ".repeat(depth);
        switch (shown.kind()) {
            case TABLE -> shown.entries().forEach(entry -> {
                Shown value = entry.value();
                if (value.plain() && !value.multiline()) {
                    line(indent + "- " + entry.name() + ": " + inline(value.text()));
                } else if (value.shortList()) {
                    line(indent + "- " + entry.name() + ": " + inline(value.joined()));
                } else if (value.multiline()) {
                    line(indent + "- " + entry.name() + ":");
                    line("");
                    line(indent + "  ```");
                    value.text().lines().forEach(l -> line(indent + "  " + l.replace("```", "'''")));
                    line(indent + "  ```");
                    line("");
                } else {
                    line(indent + "- " + entry.name() + ":");
                    evidence(value, depth + 1);
                }
            });
            case LIST -> {
                shown.items().forEach(item -> {
                    if (item.plain()) {
                        line(indent + "- " + inline(item.text()));
                    } else {
                        line(indent + "-");
                        evidence(item, depth + 1);
                    }
                });
                if (shown.more() > 0) {
                    line(indent + "- … " + shown.more() + " more (in the event log)");
                }
            }
            case TEXT, EMPTY -> line(indent + "- " + inline(shown.text()));
        }
    }

    /** Text from the event log is data, never markup: a Markdown viewer must not run HTML found in a message. */
    private static String inline(String text) {
        return html(text).replace("\r", "").replace("\n", " ⏎ ");
    }

    private static String html(String text) {
        // Only '<' opens a tag; '>' alone stays readable in a raw file (a command's ">> file").
        return text.replace("<", "&lt;");
    }

    private void row(String... cells) {
        out.append('|');
        for (String cell : cells) {
            out.append(' ').append(cell(cell)).append(" |");
        }
        out.append('\n');
    }

    private static String cell(String text) {
        return text == null ? "" : html(text).replace("\r", "").replace("\n", "<br>").replace("|", "\\|");
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}

