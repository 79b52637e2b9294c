/**
 * The Idem store on Redis and Redis Cluster, over Lettuce: {@link dev.idem.store.redis.RedisStore} and its
 * builder. Every other type of the package is an implementation detail. Configuration, key layout, memory
 * per record and the caveats of Redis persistence and replication are in {@code docs/stores-redis.md}.
 */
package dev.idem.store.redis;
