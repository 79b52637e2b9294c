package dev.idem;

import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.annotation.IdempotencyKeyException;
import dev.idem.annotation.IdempotencySerializationException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * How one method's calls get their key and fingerprint, decided once when the method is registered:
 * a key expression, else an {@link dev.idem.annotation.IdempotencyKey} parameter, else a well-known identity in the
 * arguments, else the hash of all arguments. Immutable and thread-safe.
 */
final class MethodKeys {

    private final String method;
    private final KeyExpression expression;
    private final int keyParameter;
    private final List<String> parameterNames;
    private final int[] fingerprinted;
    private final List<String> fingerprintedNames;

    private MethodKeys(String method, KeyExpression expression, int keyParameter, List<String> parameterNames,
            int[] fingerprinted) {
        this.method = method;
        this.expression = expression;
        this.keyParameter = keyParameter;
        this.parameterNames = parameterNames;
        this.fingerprinted = fingerprinted;
        List<String> names = new ArrayList<>();
        if (fingerprinted != null) {
            for (int index : fingerprinted) {
                names.add(parameterNames.get(index));
            }
        }
        this.fingerprintedNames = List.copyOf(names);
    }

    /**
     * Decides the strategy for {@code method}.
     *
     * @throws IdempotencyConfigurationException for a bad expression, an ambiguous or unusable key
     *     parameter, or an unknown fingerprint parameter
     */
    static MethodKeys of(Method method, IdempotencyPolicy policy, KeyExpressionParser parser) {
        String name = Methods.describe(method);
        Parameter[] parameters = method.getParameters();
        List<String> parameterNames = new ArrayList<>();
        int keyParameter = -1;
        for (int i = 0; i < parameters.length; i++) {
            parameterNames.add(parameters[i].isNamePresent() ? parameters[i].getName() : "p" + i);
            if (Annotations.isIdempotencyKey(parameters[i])) {
                if (keyParameter >= 0) {
                    throw new IdempotencyConfigurationException(name + " has more than one @IdempotencyKey parameter; "
                            + "mark one, or combine them in a key expression such as \"#a + ':' + #b\"", null);
                }
                if (!scalar(parameters[i].getType())) {
                    throw new IdempotencyConfigurationException(name + ": the @IdempotencyKey parameter '"
                            + parameterNames.get(i) + "' is a " + parameters[i].getType().getName()
                            + ", not a string, number, UUID or enum; use a key expression such as \"#"
                            + parameterNames.get(i) + ".id\" instead", null);
                }
                keyParameter = i;
            }
        }
        KeyExpression expression = null;
        if (!policy.key().isBlank()) {
            if (keyParameter >= 0) {
                throw new IdempotencyConfigurationException(name + " has both a key expression ('" + policy.key()
                        + "') and an @IdempotencyKey parameter; keep one", null);
            }
            expression = parser.parse(policy.key(), method);
        }
        return new MethodKeys(name, expression, keyParameter, List.copyOf(parameterNames),
                fingerprinted(name, policy, parameterNames));
    }

    private static int[] fingerprinted(String method, IdempotencyPolicy policy, List<String> parameterNames) {
        if (!policy.fingerprint()) {
            return null;
        }
        if (policy.fingerprintParameters().isEmpty()) {
            int[] all = new int[parameterNames.size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] selected = new int[policy.fingerprintParameters().size()];
        for (int i = 0; i < selected.length; i++) {
            String parameter = policy.fingerprintParameters().get(i);
            selected[i] = parameterNames.indexOf(parameter);
            if (selected[i] < 0) {
                throw new IdempotencyConfigurationException(method + ": fingerprintParameters names '" + parameter
                        + "', which is not a parameter; the parameters are " + parameterNames
                        + " (compile with -parameters to use their names)", null);
            }
        }
        return selected;
    }

    /** The key (before the namespace), or an {@link IdempotencyKeyException} saying why there is none. */
    String key(Object target, Object[] args) {
        if (expression != null) {
            return text(expression.evaluate(target, args), "the expression '" + expression.source() + "'");
        }
        if (keyParameter >= 0) {
            return text(args[keyParameter], "the @IdempotencyKey parameter '" + parameterNames.get(keyParameter) + "'");
        }
        String identity;
        try {
            identity = WellKnownIdentity.find(args);
        } catch (PropertyAccess.ReadException e) {
            throw new IdempotencyKeyException(method + ": reading a well-known identity field of the arguments failed: "
                    + e.getMessage() + "; set a key expression", e);
        }
        if (identity != null) {
            return identity;
        }
        return hash(args, parameterNames, "a key from the payload hash");
    }

    /** The fingerprint of the selected arguments, or {@code null} when the method does not check. */
    String fingerprint(Object[] args) {
        if (fingerprinted == null) {
            return null;
        }
        Object[] values = new Object[fingerprinted.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = args[fingerprinted[i]];
        }
        return hash(values, fingerprintedNames, "the fingerprint");
    }

    private String hash(Object[] values, List<String> names, String what) {
        try {
            return Fingerprints.of(values, names);
        } catch (IllegalArgumentException e) {
            throw new IdempotencySerializationException(null, method + ": cannot compute " + what + ": "
                    + e.getMessage(), e);
        }
    }

    private String text(Object value, String source) {
        String key = keyText(value);
        if (key == null) {
            throw new IdempotencyKeyException(method + ": " + source + " gave a " + value.getClass().getName()
                    + ", not a key; point it at an identifying string or number, such as its id", null);
        }
        if (key.isBlank()) {
            throw new IdempotencyKeyException("the idempotency key of " + method + " is missing: " + source + " gave "
                    + (value == null ? "null" : "an empty string") + "; send a key with the call", null);
        }
        return key;
    }

    /** The text of a scalar key value; "" for null; {@code null} when the value is not a scalar. */
    static String keyText(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Enum) {
            return ((Enum<?>) value).name();
        }
        return scalar(value.getClass()) ? value.toString() : null;
    }

    private static boolean scalar(Class<?> type) {
        return CharSequence.class.isAssignableFrom(type) || Number.class.isAssignableFrom(type)
                || type == UUID.class || type.isEnum() || type == Boolean.class || type == Character.class
                || (type.isPrimitive() && type != void.class);
    }
}
