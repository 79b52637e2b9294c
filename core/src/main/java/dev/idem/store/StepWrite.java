package dev.idem.store;

import java.util.Objects;

/**
 * The arguments of {@link IdempotencyStore#saveStep(StepWrite)}. Immutable apart from the array.
 *
 * @param key the full key
 * @param token the fencing token the claim returned
 * @param step the step's name
 * @param value the encoded value
 * @param node the owner's node id
 */
public record StepWrite(String key, long token, String step, byte[] value, String node) {

    /** Validates. */
    public StepWrite {
        Keys.requireValid(key);
        Objects.requireNonNull(value, "value");
        IdempotencyStore.requireValueSize(value, "step '" + step + "' of key '" + key + "'");
        Objects.requireNonNull(node, "node");
        if (step == null || step.isEmpty() || step.length() > Keys.MAX_STEP_NAME_LENGTH
                || !Keys.displayable(step).equals(step)) {
            throw new IllegalArgumentException("a step name must have 1 to " + Keys.MAX_STEP_NAME_LENGTH
                    + " printable characters: '" + (step == null ? null : Keys.displayable(step)) + "'");
        }
    }
}
