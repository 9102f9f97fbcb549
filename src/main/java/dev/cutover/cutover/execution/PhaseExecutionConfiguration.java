package dev.cutover.cutover.execution;

import org.springframework.batch.core.configuration.support.MapJobRegistry;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.batch.autoconfigure.BatchTaskExecutor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Threads for phase executions. The JobOperator launches on {@code phaseTaskExecutor}, so a
 * start returns at once with its execution id; waits that precede a launch (a rollback waiting
 * for the phase it stops) run on {@code cutoverBackgroundExecutor} so they never hold a phase thread.
 */
@Configuration(proxyBeanMethods = false)
class PhaseExecutionConfiguration {

    /** Phase jobs are built from runbooks at launch time and registered here, so restarts find them. */
    @Bean
    MapJobRegistry jobRegistry() {
        return new MapJobRegistry();
    }

    @Bean
    @BatchTaskExecutor
    ThreadPoolTaskExecutor phaseTaskExecutor() {
        return executor("phase-", 16);
    }

    @Bean
    @Qualifier("cutoverBackground")
    ThreadPoolTaskExecutor cutoverBackgroundExecutor() {
        return executor("cutover-bg-", 8);
    }

    /**
     * The steps of parallel groups, one thread each while they run; bounded so that many groups at
     * once queue instead of starting hundreds of threads.
     */
    @Bean
    @Qualifier("parallelSteps")
    ThreadPoolTaskExecutor parallelStepsExecutor() {
        return executor("parallel-step-", 16);
    }

    private static ThreadPoolTaskExecutor executor(String prefix, int threads) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix(prefix);
        executor.setCorePoolSize(threads);
        executor.setMaxPoolSize(threads);
        executor.setQueueCapacity(1000);
        executor.setWaitForTasksToCompleteOnShutdown(false);
        return executor;
    }

}
