package dev.idem.cli;

import dev.idem.store.IdempotencyStore;
import dev.idem.store.jdbc.JdbcStore;
import dev.idem.store.redis.RedisStore;
import java.util.List;

/** Opens a store from the URL an operator types. */
final class StoreUrls {

    private StoreUrls() {
    }

    static IdempotencyStore open(String url, String tablePrefix, String keyPrefix) {
        if (url.startsWith("jdbc:")) {
            return JdbcStore.builder().url(url).tablePrefix(tablePrefix).poolSize(2).poolName("idem-cli").build();
        }
        if (url.startsWith("redis://") || url.startsWith("rediss://")) {
            List<String> uris = List.of(url.split("\\s*,\\s*"));
            RedisStore.Builder builder = RedisStore.builder().keyPrefix(keyPrefix);
            return (uris.size() > 1 ? builder.cluster(uris) : builder.uri(uris.get(0))).build();
        }
        throw new IllegalArgumentException("'" + url.replaceAll("(?i)(password=)[^&;]*", "$1***")
                + "' is not a store URL; write jdbc:postgresql://..., jdbc:mariadb://..., jdbc:h2:..., redis://host:port "
                + "or redis://a:7001,redis://b:7002");
    }
}
