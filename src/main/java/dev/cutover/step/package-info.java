/**
 * The step-type SPI: what a module implements to contribute a runbook step type ({@code command},
 * {@code storage-sync}, {@code mysql-promote}, ...). The runbook module validates {@code with}
 * parameters against {@link dev.cutover.step.StepParameter} declarations; the cutover module runs
 * steps through {@link dev.cutover.step.StepType} with a {@link dev.cutover.step.StepContext}.
 * Shared tools of step types live here too: {@link dev.cutover.step.SampledGate} (gates with
 * hysteresis), {@link dev.cutover.step.ShellCommand} (a command line with timeout, masked output
 * tails and process-tree kill, for {@code command} and the {@code write-freeze} command strategy)
 * and {@link dev.cutover.step.SecretMask}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Step type SPI")
package dev.cutover.step;
