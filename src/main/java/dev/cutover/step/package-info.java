/**
 * The step-type SPI: what a module implements to contribute a runbook step type ({@code command},
 * {@code storage-sync}, {@code mysql-promote}, ...). The runbook module validates {@code with}
 * parameters against {@link dev.cutover.step.StepParameter} declarations; the cutover module runs
 * steps through {@link dev.cutover.step.StepType} with a {@link dev.cutover.step.StepContext}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Step type SPI")
package dev.cutover.step;
