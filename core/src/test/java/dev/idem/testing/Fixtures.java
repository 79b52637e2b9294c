package dev.idem.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The webhook payloads in the repository's {@code fixtures/webhooks} folder (real payloads from public
 * repositories, byte-exact; see {@code fixtures/webhooks/SOURCES.md}), found from any module's working
 * directory.
 */
public final class Fixtures {

    private Fixtures() {
    }

    /** The {@code fixtures/webhooks} folder of the repository this test runs in. */
    public static Path webhooks() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("fixtures").resolve("webhooks");
            if (Files.isDirectory(candidate) && Files.isRegularFile(candidate.resolve("SOURCES.md"))) {
                return candidate;
            }
        }
        throw new AssertionError("no fixtures/webhooks folder in " + start + " or any of its parents; "
                + "the webhook fixtures are part of the repository");
    }

    /** The bytes of a fixture, by its path under {@code fixtures/webhooks}, e.g. {@code "stripe/customer-updated.json"}. */
    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(webhooks().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of a fixture, UTF-8. */
    public static String text(String relative) {
        return new String(bytes(relative), java.nio.charset.StandardCharsets.UTF_8);
    }
}
