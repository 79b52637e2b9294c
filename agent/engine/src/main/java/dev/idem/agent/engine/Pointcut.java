package dev.idem.agent.engine;

import dev.idem.DeferPolicy;
import dev.idem.Durations;
import dev.idem.IdempotencyPolicy;
import dev.idem.RetryPolicy;
import dev.idem.annotation.InProgress;
import dev.idem.annotation.Jitter;
import dev.idem.annotation.OnFailure;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A method made idempotent and/or retryable by configuration alone, for classes without Idem's
 * annotations: {@code idem.pointcut.<name>.method = com.example.Billing#charge(com.example.Invoice)} plus
 * the attributes of {@code @Idempotent} and, prefixed with {@code retry.}, of {@code @Retryable}. Every
 * value is checked when the agent starts; class names ({@code rememberOn}, {@code retry.includes},
 * {@code retry.excludes}) are resolved in the woven class's loader when the method is registered.
 * Immutable and thread-safe.
 */
final class Pointcut {

    static final String PREFIX = "idem.pointcut.";

    private static final Set<String> IDEMPOTENCY = Set.of("idempotent", "key", "name", "ttl", "lease", "onInProgress",
            "waitTimeout", "onFailure", "rememberOn", "fingerprint", "fingerprintParameters", "failOpen");
    private static final Set<String> RETRY = Set.of("retry.maxAttempts", "retry.delay", "retry.multiplier",
            "retry.maxDelay", "retry.jitter", "retry.maxDuration", "retry.includes", "retry.excludes", "retry.budget",
            "retry.budgetRatio", "retry.budgetMinPerSecond", "retry.defer", "retry.deferMaxAttempts",
            "retry.deferDelay", "retry.deferMultiplier", "retry.deferMaxDelay");

    private final String name;
    private final String className;
    private final String methodName;
    private final List<String> parameterTypes;
    private final Map<String, String> attributes;
    private final boolean idempotent;
    private final boolean retryable;

    private Pointcut(String name, String className, String methodName, List<String> parameterTypes,
            Map<String, String> attributes, boolean idempotent, boolean retryable) {
        this.name = name;
        this.className = className;
        this.methodName = methodName;
        this.parameterTypes = parameterTypes;
        this.attributes = attributes;
        this.idempotent = idempotent;
        this.retryable = retryable;
    }

    /**
     * Parses one pointcut's attributes (the keys after {@code idem.pointcut.<name>.}).
     *
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    static Pointcut parse(String name, Map<String, String> attributes) {
        for (String attribute : attributes.keySet()) {
            if (!attribute.equals("method") && !IDEMPOTENCY.contains(attribute) && !RETRY.contains(attribute)) {
                Set<String> known = new TreeSet<>(IDEMPOTENCY);
                known.addAll(RETRY);
                throw new IllegalArgumentException("unknown setting " + PREFIX + name + "." + attribute
                        + "; a pointcut takes method and " + known);
            }
        }
        String method = attributes.getOrDefault("method", "");
        int hash = method.indexOf('#');
        if (hash <= 0 || hash == method.length() - 1) {
            throw new IllegalArgumentException("setting " + PREFIX + name + ".method is '" + method
                    + "'; write com.example.Billing#charge or com.example.Billing#charge(com.example.Invoice, int)");
        }
        String className = method.substring(0, hash).trim();
        String methodPart = method.substring(hash + 1).trim();
        List<String> parameterTypes = null;
        int open = methodPart.indexOf('(');
        if (open >= 0) {
            if (!methodPart.endsWith(")")) {
                throw new IllegalArgumentException("setting " + PREFIX + name + ".method is '" + method
                        + "': the parameter list must end with ')'");
            }
            parameterTypes = Settings.list(methodPart.substring(open + 1, methodPart.length() - 1).trim());
            methodPart = methodPart.substring(0, open).trim();
        }
        Reader reader = new Reader(name, attributes);
        boolean idempotent = Settings.parseBoolean(PREFIX + name + ".idempotent", attributes.getOrDefault("idempotent", ""), true);
        boolean retryable = attributes.keySet().stream().anyMatch(RETRY::contains);
        if (!idempotent && !retryable) {
            throw new IllegalArgumentException("pointcut " + PREFIX + name + " is neither idempotent nor retryable; "
                    + "remove idempotent=false or add retry.* settings");
        }
        if (idempotent) {
            reader.idempotency(List.of());
        }
        if (retryable) {
            reader.retry(List.of(), List.of());
        }
        return new Pointcut(name, className, methodPart, parameterTypes, Map.copyOf(attributes), idempotent, retryable);
    }

    /** The method as configured: {@code com.x.Billing#charge} or {@code com.x.Billing#charge(com.x.Invoice,int)}. */
    String method() {
        return className + "#" + methodName + (parameterTypes == null ? "" : "(" + String.join(",", parameterTypes) + ")");
    }

    /** Whether this pointcut names {@code method}. */
    boolean matches(Method method) {
        if (!method.getDeclaringClass().getName().equals(className) || !method.getName().equals(methodName)) {
            return false;
        }
        if (parameterTypes == null) {
            return true;
        }
        Class<?>[] types = method.getParameterTypes();
        if (types.length != parameterTypes.size()) {
            return false;
        }
        for (int i = 0; i < types.length; i++) {
            if (!types[i].getTypeName().equals(parameterTypes.get(i)) && !types[i].getSimpleName().equals(parameterTypes.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The idempotency policy with its failure types loaded by {@code loader}, or {@code null}. */
    IdempotencyPolicy idempotency(ClassLoader loader) {
        if (!idempotent) {
            return null;
        }
        return new Reader(name, attributes).idempotency(classes(loader, "rememberOn"));
    }

    /** The retry policy with its failure types loaded by {@code loader}, or {@code null}. */
    RetryPolicy retry(ClassLoader loader) {
        if (!retryable) {
            return null;
        }
        return new Reader(name, attributes).retry(classes(loader, "retry.includes"), classes(loader, "retry.excludes"));
    }

    private List<Class<? extends Throwable>> classes(ClassLoader loader, String attribute) {
        List<Class<? extends Throwable>> classes = new ArrayList<>();
        for (String className : Settings.list(attributes.getOrDefault(attribute, ""))) {
            Class<?> type;
            try {
                type = Class.forName(className, false, loader);
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("setting " + PREFIX + name + "." + attribute + " names " + className
                        + ", which the application's class loader cannot find", e);
            }
            if (!Throwable.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException("setting " + PREFIX + name + "." + attribute + " names " + className
                        + ", which is not an exception type");
            }
            classes.add(type.asSubclass(Throwable.class));
        }
        return classes;
    }

    @Override
    public String toString() {
        return name + "=" + className + "#" + methodName + (parameterTypes == null ? "" : parameterTypes);
    }

    /** Reads typed attributes, naming the setting in every error. */
    private static final class Reader {
        private final String name;
        private final Map<String, String> attributes;

        Reader(String name, Map<String, String> attributes) {
            this.name = name;
            this.attributes = attributes;
        }

        IdempotencyPolicy idempotency(List<Class<? extends Throwable>> rememberOn) {
            IdempotencyPolicy.Builder builder = IdempotencyPolicy.builder();
            apply("name", value -> builder.name(value));
            apply("key", value -> builder.key(value));
            apply("ttl", value -> builder.ttl(Durations.parsePositive(value, setting("ttl"))));
            apply("lease", value -> builder.lease(Durations.parsePositive(value, setting("lease"))));
            apply("onInProgress", value -> builder.onInProgress(enumValue(InProgress.class, "onInProgress", value)));
            apply("waitTimeout", value -> builder.waitTimeout(Durations.parse(value, setting("waitTimeout"))));
            apply("onFailure", value -> builder.onFailure(enumValue(OnFailure.class, "onFailure", value)));
            apply("fingerprint", value -> builder.fingerprint(Settings.parseBoolean(setting("fingerprint"), value, true)));
            apply("fingerprintParameters", value -> builder.fingerprintParameters(Settings.list(value)));
            apply("failOpen", value -> builder.failOpen(Settings.parseBoolean(setting("failOpen"), value, false)));
            builder.rememberOn(rememberOn);
            return build(() -> builder.build());
        }

        RetryPolicy retry(List<Class<? extends Throwable>> includes, List<Class<? extends Throwable>> excludes) {
            RetryPolicy.Builder builder = RetryPolicy.builder();
            apply("retry.maxAttempts", value -> builder.maxAttempts(integer("retry.maxAttempts", value)));
            apply("retry.delay", value -> builder.delay(Durations.parse(value, setting("retry.delay"))));
            apply("retry.multiplier", value -> builder.multiplier(decimal("retry.multiplier", value)));
            apply("retry.maxDelay", value -> builder.maxDelay(Durations.parse(value, setting("retry.maxDelay"))));
            apply("retry.jitter", value -> builder.jitter(enumValue(Jitter.class, "retry.jitter", value)));
            apply("retry.maxDuration", value -> builder.maxDuration(Durations.parse(value, setting("retry.maxDuration"))));
            builder.includes(array(includes));
            builder.excludes(array(excludes));
            boolean budget = Settings.parseBoolean(setting("retry.budget"), attributes.getOrDefault("retry.budget", ""), true);
            if (budget) {
                double ratio = attributes.containsKey("retry.budgetRatio")
                        ? decimal("retry.budgetRatio", attributes.get("retry.budgetRatio")) : 0.2;
                int perSecond = attributes.containsKey("retry.budgetMinPerSecond")
                        ? integer("retry.budgetMinPerSecond", attributes.get("retry.budgetMinPerSecond")) : 10;
                build(() -> builder.budget(ratio, perSecond));
            } else {
                builder.budget(false);
            }
            if (Settings.parseBoolean(setting("retry.defer"), attributes.getOrDefault("retry.defer", ""), false)) {
                DeferPolicy defaults = DeferPolicy.defaults();
                builder.defer(build(() -> DeferPolicy.of(
                        attributes.containsKey("retry.deferMaxAttempts")
                                ? integer("retry.deferMaxAttempts", attributes.get("retry.deferMaxAttempts"))
                                : defaults.maxAttempts(),
                        attributes.containsKey("retry.deferDelay")
                                ? Durations.parsePositive(attributes.get("retry.deferDelay"), setting("retry.deferDelay"))
                                : defaults.delay(),
                        attributes.containsKey("retry.deferMultiplier")
                                ? decimal("retry.deferMultiplier", attributes.get("retry.deferMultiplier"))
                                : defaults.multiplier(),
                        attributes.containsKey("retry.deferMaxDelay")
                                ? Durations.parsePositive(attributes.get("retry.deferMaxDelay"), setting("retry.deferMaxDelay"))
                                : defaults.maxDelay())));
            }
            return build(() -> builder.build());
        }

        private void apply(String attribute, java.util.function.Consumer<String> setter) {
            String value = attributes.get(attribute);
            if (value != null && !value.isEmpty()) {
                build(() -> {
                    setter.accept(value);
                    return null;
                });
            }
        }

        private <T> T build(java.util.function.Supplier<T> step) {
            try {
                return step.get();
            } catch (IllegalArgumentException e) {
                String message = e.getMessage();
                throw new IllegalArgumentException(message.contains(PREFIX) ? message
                        : "pointcut " + PREFIX + name + ": " + message, e);
            }
        }

        private String setting(String attribute) {
            return "setting " + PREFIX + name + "." + attribute;
        }

        private int integer(String attribute, String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(setting(attribute) + " is '" + value + "'; write a whole number", e);
            }
        }

        private double decimal(String attribute, String value) {
            try {
                return Double.parseDouble(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(setting(attribute) + " is '" + value + "'; write a number such as 2.0", e);
            }
        }

        private <E extends Enum<E>> E enumValue(Class<E> type, String attribute, String value) {
            try {
                return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting(attribute) + " is '" + value + "'; write one of "
                        + Arrays.toString(type.getEnumConstants()), e);
            }
        }

        @SuppressWarnings("unchecked")
        private static Class<? extends Throwable>[] array(List<Class<? extends Throwable>> types) {
            return types.toArray((Class<? extends Throwable>[]) new Class<?>[0]);
        }
    }
}
