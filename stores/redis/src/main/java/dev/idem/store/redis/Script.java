package dev.idem.store.redis;

import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One operation's Lua script: the shared {@code lib.lua} followed by the operation's own file, both
 * resources next to this class, and the SHA-1 digest Redis knows it by. Immutable and thread-safe.
 *
 * @param name the operation, as in the resource's name
 * @param source the script's text
 * @param sha the lower-case hex SHA-1 of the text, for {@code EVALSHA}
 * @param output the reply's type
 */
record Script(String name, byte[] source, String sha, ScriptOutputType output) {

    static Script load(String name, ScriptOutputType output) {
        byte[] source = (resource("lib.lua") + resource(name + ".lua")).getBytes(StandardCharsets.UTF_8);
        try {
            return new Script(name, source, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source)),
                    output);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-1", e);
        }
    }

    private static String resource(String file) {
        try (InputStream in = Script.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("the script " + file + " is missing from the idem-store-redis jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the script " + file, e);
        }
    }
}
