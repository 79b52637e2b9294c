package dev.idem.store.redis;

import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The code of every operation, as scripts and as one Redis Functions library ({@code FUNCTION LOAD},
 * Redis 7 or later), from the resources next to this class. Each function runs the same code as its
 * script, but the library defines the shared functions once instead of at every call. The library's name
 * carries a digest of its code, so that store versions with different code never replace each other's
 * functions on a shared Redis. Immutable and thread-safe.
 */
final class Scripts {

    final Script claim;
    final Script complete;
    final Script fail;
    final Script renew;
    final Script step;
    final Script due;
    final Script find;
    final Script history;
    final Script list;
    final Script requeue;
    final Script cancel;
    final Script purge;
    final Script count;
    /** The library's name, as in {@code FUNCTION LIST}. */
    final String libraryName;
    /** The library's code, for {@code FUNCTION LOAD}; {@code null} when the store runs scripts only. */
    final String library;

    private static final String[] OPERATIONS = {"claim", "complete", "fail", "renew", "step", "due", "find",
        "history", "list", "requeue", "cancel", "purge", "count"};

    /**
     * The first statement of every operation: lib.lua reads {@code redis.call} through a local, which a
     * library's code cannot set while Redis loads it.
     */
    private static final String PROLOGUE = "if not call then bind() end\n";

    /** Stands for the library's name in its code until the digest of the code names it. */
    private static final String NAME = "@IDEM_LIBRARY@";

    private final String shared = resource("lib.lua");
    private final Map<String, String> bodies = new LinkedHashMap<>();

    /** @param functions whether the store may load the library and call its functions */
    Scripts(boolean functions) {
        for (String operation : OPERATIONS) {
            bodies.put(operation, PROLOGUE + resource(operation + ".lua"));
        }
        StringBuilder code = new StringBuilder(shared);
        for (String operation : OPERATIONS) {
            code.append("\nredis.register_function{function_name = '").append(NAME).append('_').append(operation)
                    .append("', flags = {").append(flags(operation)).append("}, callback = function(KEYS, ARGV)\n")
                    .append(bodies.get(operation)).append("\nend}\n");
        }
        libraryName = "idem_" + sha1(code.toString()).substring(0, 16);
        library = functions ? ("#!lua name=" + NAME + "\n" + code).replace(NAME, libraryName) : null;
        claim = script("claim", ScriptOutputType.MULTI);
        complete = script("complete", ScriptOutputType.INTEGER);
        fail = script("fail", ScriptOutputType.INTEGER);
        renew = script("renew", ScriptOutputType.INTEGER);
        step = script("step", ScriptOutputType.INTEGER);
        due = script("due", ScriptOutputType.MULTI);
        find = script("find", ScriptOutputType.MULTI);
        history = script("history", ScriptOutputType.MULTI);
        list = script("list", ScriptOutputType.MULTI);
        requeue = script("requeue", ScriptOutputType.INTEGER);
        cancel = script("cancel", ScriptOutputType.INTEGER);
        purge = script("purge", ScriptOutputType.MULTI);
        count = script("count", ScriptOutputType.INTEGER);
    }

    private String function(String operation) {
        return libraryName + "_" + operation;
    }

    /**
     * What Redis may assume of a function: the reads may run whatever Redis refuses writes for, and the
     * purge, which frees memory, may run when Redis is out of it. The others take Redis's default for a
     * function that writes: refused at once while Redis refuses writes (out of memory, a failed save, too
     * few replicas), where {@link Calls} runs them as scripts instead, which Redis refuses only at a write.
     */
    private static String flags(String operation) {
        switch (operation) {
            case "find":
            case "history":
            case "list":
            case "count":
                return "'no-writes'";
            case "purge":
                return "'allow-oom'";
            default:
                return "";
        }
    }

    private Script script(String operation, ScriptOutputType output) {
        String source = shared + bodies.get(operation);
        return new Script(operation, source.getBytes(StandardCharsets.UTF_8), sha1(source), function(operation), output);
    }

    List<Script> all() {
        return List.of(claim, complete, fail, renew, step, due, find, history, list, requeue, cancel, purge, count);
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-1", e);
        }
    }

    private static String resource(String file) {
        try (InputStream in = Scripts.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("the script " + file + " is missing from the idem-store-redis jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the script " + file, e);
        }
    }
}
