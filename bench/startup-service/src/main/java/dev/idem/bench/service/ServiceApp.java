package dev.idem.bench.service;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The second application of the agent startup benchmark ({@code dev.idem.bench.AgentStartupBenchmark service}):
 * a Spring Boot web service (embedded Tomcat, Spring MVC, Jackson, a Hikari pool over an in-memory H2 database,
 * actuator) that loads about 8,600 classes and initializes what it loads, as a service does. It starts, makes
 * one idempotent payment twice through its {@link Payments} bean (the payment its web endpoint,
 * {@link PaymentsController}, would make), prints the same summary line as the benchmark's class-loading
 * application (classes loaded, the runs of the payment, the first call's time, the process's CPU time) and
 * exits.
 */
@SpringBootApplication
public class ServiceApp {

    /** Starts the service, charges one payment twice, prints the summary and exits. */
    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(ServiceApp.class, args);
        Payments payments = context.getBean(Payments.class);
        String paymentId = "startup-" + ProcessHandle.current().pid();
        long start = System.nanoTime();
        int first = payments.charge(paymentId, 1999);
        long firstCallMicros = (System.nanoTime() - start) / 1000;
        int second = payments.charge(paymentId, 1999);
        long cpuMillis = ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
        long loaded = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
        System.out.println("loaded " + loaded + " classes; handle ran " + first + " then " + second + "; first call "
                + firstCallMicros + " us; cpu " + cpuMillis + " ms");
        System.exit(SpringApplication.exit(context));
    }
}
