package dev.cutover.dashboard;

import dev.cutover.cutover.CutoverView;
import dev.cutover.cutover.RollbackPreview;
import java.time.Instant;
import java.util.List;

/**
 * Everything the page of one cutover shows, worked out once per render.
 *
 * @param startedAt   when its first step started; null before any phase ran
 * @param endedAt     when it reached a final state; null while it can still move
 * @param currentStep the step running or waiting now, as {@code phase / step}; null when none
 * @param waiting     the manual gate waiting for an approver; null when none waits
 * @param projection  the projected end from rehearsals; null when there is nothing left to project
 * @param budget      the window budget against elapsed time and projected end; null when the runbook declares none
 * @param timeline    phases and steps on one time axis: what ran, what is forecast, the point of no return
 * @param nextPhase   the phase "start phase" would start; null when none is startable
 */
public record CutoverPage(CutoverView cutover, StateTone tone, Instant startedAt, Instant endedAt, String currentStep,
                   Waiting waiting, Projection projection, WindowBudget budget, Timeline timeline,
                   RollbackPreview rollback, String nextPhase,
                   List<PhaseRow> phases, Controls controls) {

    public String stateLabel() {
        return StateTone.label(cutover.state());
    }

    /** One phase with its steps, in runbook order. */
    public record PhaseRow(String name, String state, StateTone tone, boolean pointOfNoReturn, List<StepRow> steps) {

        public String stateLabel() {
            return StateTone.label(state);
        }

        /** Its steps as the page lays them out: one block per single step, one per parallel group. */
        public List<StepBlock> blocks() {
            List<StepBlock> blocks = new java.util.ArrayList<>();
            for (StepRow step : steps) {
                StepBlock last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
                if (step.parallelGroup() != null && last != null && step.parallelGroup().equals(last.group())) {
                    List<StepRow> grown = new java.util.ArrayList<>(last.steps());
                    grown.add(step);
                    blocks.set(blocks.size() - 1, new StepBlock(last.group(), grown));
                } else {
                    blocks.add(new StepBlock(step.parallelGroup(), List.of(step)));
                }
            }
            return blocks;
        }
    }

    /** A single step ({@code group} null), or the steps of a parallel group, shown side by side. */
    public record StepBlock(String group, List<StepRow> steps) {

        public boolean parallel() {
            return group != null;
        }
    }

    /**
     * One step. {@code line} is its live progress while it runs, its summary once it ended;
     * {@code heldBy} says what holds a gate closed (or a sync back), when the step reports it or a
     * closed gate's last sample says it; {@code facts} and {@code eta} are read from its progress
     * figures ({@link StepFigureLines}); {@code parallelGroup} names the parallel group it runs in, if any;
     * {@code partitions} are those of its sync run when that run is partitioned, else null.
     */
    public record StepRow(String id, String type, String state, StateTone tone, String owner, String escalation, int attempts,
                   Instant startedAt, Instant endedAt, String line, List<String> heldBy, List<String> facts, String eta,
                   boolean etaHeld, String parallelGroup, PartitionTable partitions) {

        public String stateLabel() {
            return StateTone.label(state);
        }
    }

    /** A manual gate waiting: which step, who may approve, since when, and what must be ticked. */
    public record Waiting(String phase, String stepId, String owner, Instant since, String instructions,
                   List<String> checklist) {
    }

    /**
     * The end projected from the rehearsals of this runbook and environment: now plus the median
     * (p50) or p90 time of every step not done yet.
     *
     * @param basis what the figures rest on, or why there are none
     */
    public record Projection(Instant p50End, Instant p90End, Double remainingP50Seconds, Double remainingP90Seconds,
                      int rehearsals, String basis) {

        public boolean available() {
            return p50End != null;
        }
    }

    /** The buttons this user sees now: their roles and the cutover's allowed actions both agree. */
    public record Controls(boolean startPhase, boolean pause, boolean resume, boolean restartPhase, boolean approve,
                    boolean abort, boolean rollback) {

        public boolean any() {
            return startPhase || pause || resume || restartPhase || approve || abort || rollback;
        }
    }
}
