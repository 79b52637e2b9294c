package dev.idem.it.app;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Serves {@link Billing} on stdin ({@link CommandLoop}): {@code charge <invoice> <cents>}, {@code flaky <request>},
 * {@code executions <method> <id>}, {@code parameters <method>} (the parameter names reflection sees). Used with
 * config-only pointcuts, with runtime attach, and with bad settings.
 */
public final class BillingApp {

    private BillingApp() {
    }

    /** Runs until stdin ends. */
    public static void main(String[] args) throws Exception {
        CommandLoop.started();
        Billing billing = new Billing();
        CommandLoop.serve(Map.of(
                "charge", words -> billing.charge(words[0], Integer.parseInt(words[1])),
                "flaky", words -> billing.flaky(words[0]),
                "executions", words -> Integer.toString(billing.executions(words[0], words[1])),
                "parameters", words -> parameterNames(words[0])), false);
    }

    /** The parameter names reflection reports for a method of {@link Billing}, as the application sees them. */
    private static String parameterNames(String method) {
        for (Method candidate : Billing.class.getDeclaredMethods()) {
            if (candidate.getName().equals(method)) {
                return Arrays.stream(candidate.getParameters()).map(Parameter::getName).collect(Collectors.joining(","));
            }
        }
        throw new IllegalArgumentException("Billing has no method " + method);
    }
}
