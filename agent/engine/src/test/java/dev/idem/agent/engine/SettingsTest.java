package dev.idem.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.annotation.InProgress;
import dev.idem.annotation.Jitter;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    static final class Billing {
        public String charge(String invoice) {
            return invoice;
        }

        public String charge(String invoice, int cents) {
            return invoice + cents;
        }
    }

    private static Settings resolve(Map<String, String> args, Map<String, String> file, Map<String, String> env,
            Map<String, String> properties) {
        return Settings.resolve(args, file, env, properties);
    }

    @Test
    void systemPropertiesBeatEnvironmentBeatsTheFileBeatsAgentArguments() {
        Settings settings = resolve(
                Map.of("idem.store", "memory", "idem.node", "from-args", "idem.purgeInterval", "1s", "idem.renewLeases", "false"),
                Map.of("idem.node", "from-file", "idem.purgeInterval", "2s", "idem.renewLeases", "true"),
                Map.of("IDEM_PURGE_INTERVAL", "3s", "IDEM_RENEW_LEASES", "false"),
                Map.of("idem.renewLeases", "true"));

        assertThat(settings.store()).isEqualTo("memory");
        assertThat(settings.node()).isEqualTo("from-file");
        assertThat(settings.purgeInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.renewLeases()).isTrue();
    }

    @Test
    void environmentVariablesAreTheSettingNamesInUpperSnakeCaseAndOthersAreIgnored() {
        Settings settings = resolve(Map.of(), Map.of(), Map.of("IDEM_JDBC_TABLE_PREFIX", "billing_", "IDEM_STORE", "memory",
                "IDEM_TEST_POSTGRES_URL", "jdbc:postgresql://elsewhere", "PATH", "/bin"), Map.of());

        assertThat(Settings.environmentName("idem.jdbc.tablePrefix")).isEqualTo("IDEM_JDBC_TABLE_PREFIX");
        assertThat(Settings.environmentName("idem.codec.maxBytes")).isEqualTo("IDEM_CODEC_MAX_BYTES");
        assertThat(settings.tablePrefix()).isEqualTo("billing_");
        assertThat(settings.store()).isEqualTo("memory");
    }

    @Test
    void theDefaultsAreAnEmbeddedH2StoreAndSensibleValues() {
        Settings settings = resolve(Map.of(), Map.of(), Map.of(), Map.of());

        assertThat(settings.store()).isEqualTo(Settings.DEFAULT_STORE).startsWith("jdbc:h2:file:");
        assertThat(settings.purgeInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.renewLeases()).isTrue();
        assertThat(settings.tablePrefix()).isEqualTo("idem_");
        assertThat(settings.redisTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.node()).isNotBlank();
        assertThat(settings.pointcuts()).isEmpty();
    }

    @Test
    void aTypoInASettingNameIsRefusedWithTheKnownNames() {
        assertThatThrownBy(() -> resolve(Map.of(), Map.of(), Map.of(), Map.of("idem.stor", "memory")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown setting idem.stor")
                .hasMessageContaining("idem.store");
    }

    @Test
    void badValuesNameTheSettingAndWhatIsExpected() {
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.purgeInterval", "often")))
                .hasMessageContaining("setting idem.purgeInterval").hasMessageContaining("30s");
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.renewLeases", "yes")))
                .hasMessageContaining("setting idem.renewLeases").hasMessageContaining("true or false");
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.jdbc.poolSize", "0")))
                .hasMessageContaining("setting idem.jdbc.poolSize").hasMessageContaining("positive");
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.codec.maxBytes", "1MB")))
                .hasMessageContaining("setting idem.codec.maxBytes");
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.jdbc.tablePrefix", "idem; DROP")))
                .hasMessageContaining("setting idem.jdbc.tablePrefix");
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.node", "n".repeat(101))))
                .hasMessageContaining("setting idem.node");
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.store", "bogus")))
                .hasMessageContaining("setting idem.store is 'bogus'").hasMessageContaining("jdbc:postgresql:");
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.store", "jdbc:oracle:thin:@db")))
                .hasMessageContaining("setting idem.store");
    }

    @Test
    void everyKindOfStoreIsAccepted() {
        for (String store : new String[] {"memory", "jdbc:postgresql://db:5432/app", "jdbc:mariadb://db/app",
            "jdbc:mysql://db/app", "jdbc:h2:mem:x", "redis://cache:6379", "rediss://cache:6380",
            "redis://a:7001,redis://b:7002"}) {
            assertThat(Settings.parse(Map.of("idem.store", store)).store()).isEqualTo(store);
        }
        assertThat(Settings.parse(Map.of("idem.store", "redis://a:7001,redis://b:7002")).redisUris())
                .containsExactly("redis://a:7001", "redis://b:7002");
    }

    @Test
    void passwordsAreHiddenInTheLog() {
        Settings settings = Settings.parse(Map.of("idem.store", "jdbc:postgresql://db/app?user=app&password=s3cret"));
        Settings redis = Settings.parse(Map.of("idem.store", "redis://:hunter2@cache:6379"));

        assertThat(settings.storeForLog()).doesNotContain("s3cret").contains("password=***");
        assertThat(redis.storeForLog()).doesNotContain("hunter2");
    }

    @Test
    void aPointcutMakesAMethodIdempotentAndRetryableFromConfigurationAlone() throws Exception {
        Settings settings = Settings.parse(Map.of(
                "idem.pointcut.charge.method", Billing.class.getName() + "#charge(String, int)",
                "idem.pointcut.charge.key", "#p0",
                "idem.pointcut.charge.ttl", "2h",
                "idem.pointcut.charge.onInProgress", "reject",
                "idem.pointcut.charge.rememberOn", IllegalStateException.class.getName(),
                "idem.pointcut.charge.onFailure", "REMEMBER",
                "idem.pointcut.charge.retry.maxAttempts", "5",
                "idem.pointcut.charge.retry.jitter", "none",
                "idem.pointcut.charge.retry.includes", java.io.IOException.class.getName()));
        Method twoArguments = Billing.class.getMethod("charge", String.class, int.class);
        Method oneArgument = Billing.class.getMethod("charge", String.class);

        Pointcut pointcut = settings.pointcutFor(twoArguments);
        assertThat(settings.pointcutFor(oneArgument)).isNull();
        assertThat(pointcut.method()).isEqualTo(Billing.class.getName() + "#charge(String,int)");
        ClassLoader loader = getClass().getClassLoader();
        assertThat(pointcut.idempotency(loader).key()).isEqualTo("#p0");
        assertThat(pointcut.idempotency(loader).ttl()).isEqualTo(Duration.ofHours(2));
        assertThat(pointcut.idempotency(loader).onInProgress()).isEqualTo(InProgress.REJECT);
        assertThat(pointcut.idempotency(loader).rememberOn()).containsExactly(IllegalStateException.class);
        assertThat(pointcut.retry(loader).maxAttempts()).isEqualTo(5);
        assertThat(pointcut.retry(loader).jitter()).isEqualTo(Jitter.NONE);
        assertThat(pointcut.retry(loader).includes()).containsExactly(java.io.IOException.class);
    }

    @Test
    void aPointcutWithoutParametersMatchesEveryOverloadAndCanBeRetryOnly() throws Exception {
        Settings settings = Settings.parse(Map.of(
                "idem.pointcut.any.method", Billing.class.getName() + "#charge",
                "idem.pointcut.any.idempotent", "false",
                "idem.pointcut.any.retry.maxAttempts", "2"));

        Pointcut pointcut = settings.pointcutFor(Billing.class.getMethod("charge", String.class));
        assertThat(pointcut).isSameAs(settings.pointcutFor(Billing.class.getMethod("charge", String.class, int.class)));
        assertThat(pointcut.idempotency(getClass().getClassLoader())).isNull();
        assertThat(pointcut.retry(getClass().getClassLoader()).maxAttempts()).isEqualTo(2);
    }

    @Test
    void badPointcutsAreRefusedAtStartupNamingTheSetting() {
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.pointcut.x.method", "NoHash")))
                .hasMessageContaining("idem.pointcut.x.method").hasMessageContaining("#charge");
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.pointcut.x.method", "a.B#c", "idem.pointcut.x.tll", "1h")))
                .hasMessageContaining("unknown setting idem.pointcut.x.tll").hasMessageContaining("ttl");
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.pointcut.x.method", "a.B#c", "idem.pointcut.x.ttl", "soon")))
                .hasMessageContaining("setting idem.pointcut.x.ttl");
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.pointcut.x.method", "a.B#c",
                "idem.pointcut.x.onInProgress", "maybe")))
                .hasMessageContaining("idem.pointcut.x.onInProgress").hasMessageContaining("WAIT");
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.pointcut.x.method", "a.B#c",
                "idem.pointcut.x.retry.maxAttempts", "0")))
                .hasMessageContaining("idem.pointcut.x").hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.pointcut.x.method", "a.B#c", "idem.pointcut.x.idempotent", "false")))
                .hasMessageContaining("neither idempotent nor retryable");
        assertThatThrownBy(() -> Settings.parse(Map.of("idem.pointcut.method", "a.B#c")))
                .hasMessageContaining("idem.pointcut.<name>.<attribute>");
    }

    @Test
    void aPointcutNamingAClassThatIsNotAnExceptionFailsWhenTheMethodRegisters() throws Exception {
        Settings settings = Settings.parse(Map.of("idem.pointcut.x.method", Billing.class.getName() + "#charge",
                "idem.pointcut.x.onFailure", "remember", "idem.pointcut.x.rememberOn", "java.lang.String"));
        Pointcut pointcut = settings.pointcutFor(Billing.class.getMethod("charge", String.class));

        assertThatThrownBy(() -> pointcut.idempotency(getClass().getClassLoader()))
                .hasMessageContaining("idem.pointcut.x.rememberOn").hasMessageContaining("not an exception");
    }
}
