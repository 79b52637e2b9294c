package dev.idem.store.redis;

import io.lettuce.core.ScriptOutputType;

/**
 * One operation's Lua code, in the two forms Redis runs: as a script ({@code lib.lua} followed by the
 * operation's own file, run with {@code EVALSHA}) and as a function of the store's library (run with
 * {@code FCALL}). Immutable and thread-safe.
 *
 * @param name the operation, as in its resource's name
 * @param source the script's text
 * @param sha the lower-case hex SHA-1 of the script, for {@code EVALSHA}
 * @param function the name of the function in the store's library, for {@code FCALL}
 * @param output the reply's type
 */
record Script(String name, byte[] source, String sha, String function, ScriptOutputType output) {
}
