package dev.idem.spring.boot.agentapp;

import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Service;

/**
 * An application run in its own JVM by {@link AgentAndStarterTest}, with or without the Idem javaagent; it
 * prints how many times each body ran, and whether Spring proxied the bean.
 */
@SpringBootApplication
public class AgentApplication {

    @Service
    public static class Jobs {
        private final AtomicInteger attempts = new AtomicInteger();
        private final AtomicInteger runs = new AtomicInteger();

        @Retryable(maxAttempts = 3, delay = "1ms", budget = false)
        public void alwaysFails() {
            attempts.incrementAndGet();
            throw new IllegalStateException("the dependency is down");
        }

        @Idempotent(key = "#id")
        public String once(String id) {
            runs.incrementAndGet();
            return "done-" + id;
        }

        public int attempts() {
            return attempts.get();
        }

        public int runs() {
            return runs.get();
        }
    }

    public static void main(String[] args) {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AgentApplication.class)
                .web(WebApplicationType.NONE).run(args)) {
            Jobs jobs = context.getBean(Jobs.class);
            try {
                jobs.alwaysFails();
            } catch (IllegalStateException expected) {
                jobs.once("a");
            }
            String second = jobs.once("a");
            System.out.println("IDEM-RESULT attempts=" + jobs.attempts() + " runs=" + jobs.runs() + " result=" + second
                    + " proxied=" + AopUtils.isAopProxy(jobs));
        }
    }
}
