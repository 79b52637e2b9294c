package dev.idem.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfigurations;

/** The Boot line the suite runs on (3 or 4), and what differs between the lines. */
final class BootLine {

    static final int CURRENT = Integer.parseInt(System.getProperty("idem.boot.line", "0"));

    private BootLine() {
    }

    /** Idem's auto-configurations: the common ones and both lines' own (the other line's backs off). */
    static AutoConfigurations idem() {
        return AutoConfigurations.of(IdemKafkaAutoConfiguration.class, IdemAutoConfiguration.class, IdemAopAutoConfiguration.class,
                IdemWebMvcAutoConfiguration.class, IdemMetricsAutoConfiguration.class,
                IdemEndpointAutoConfiguration.class, IdemWorkerAutoConfiguration.class, health(3), health(4));
    }

    /** The health auto-configuration of a line. */
    static Class<?> health(int line) {
        return type("dev.idem.spring.boot" + line + ".IdemHealthAutoConfiguration");
    }

    /** Boot's own auto-configuration of the current line, by its name on each line. */
    static Class<?> boot(String boot3Name, String boot4Name) {
        if (CURRENT != 3 && CURRENT != 4) {
            throw new IllegalStateException("run the suite from integration-tests/spring-boot3 or spring-boot4 (idem.boot.line is unset)");
        }
        return type(CURRENT == 3 ? boot3Name : boot4Name);
    }

    private static Class<?> type(String name) {
        try {
            return Class.forName(name, false, BootLine.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(name + " is not on the class path", e);
        }
    }
}
