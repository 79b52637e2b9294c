package dev.idem.agent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the agent's argument string, {@code -javaagent:idem-agent.jar=idem.store=redis://h:6379,idem.node=a}:
 * {@code key=value} entries separated by commas. An entry starts at each {@code idem.} key; text after a
 * comma that does not start one belongs to the previous value, so Redis Cluster seeds
 * ({@code idem.store=redis://a:7001,redis://b:7002}) need no escaping.
 */
final class AgentArguments {

    private AgentArguments() {
    }

    static Map<String, String> parse(String arguments) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (arguments == null || arguments.isBlank()) {
            return settings;
        }
        String key = null;
        for (String token : arguments.split(",")) {
            int equals = token.indexOf('=');
            String candidate = equals > 0 ? token.substring(0, equals).trim() : "";
            if (candidate.startsWith("idem.")) {
                key = candidate;
                settings.put(key, token.substring(equals + 1));
            } else if (key != null) {
                settings.put(key, settings.get(key) + "," + token);
            } else {
                throw new IllegalArgumentException("agent argument '" + token + "' is not a setting; write "
                        + "-javaagent:idem-agent.jar=idem.store=...,idem.node=...");
            }
        }
        return settings;
    }
}
