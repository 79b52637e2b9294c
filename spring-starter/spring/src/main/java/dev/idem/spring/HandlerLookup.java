package dev.idem.spring;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Finds, from a servlet filter, the controller method that the {@code DispatcherServlet} will choose for a
 * request, as Spring's {@code HandlerMappingIntrospector} does: the mappings run against a view of the
 * request whose attribute changes stay private, so the dispatch that follows is unaffected. Thread-safe.
 */
final class HandlerLookup {

    private final List<RequestMappingHandlerMapping> mappings;

    HandlerLookup(List<RequestMappingHandlerMapping> mappings) {
        this.mappings = List.copyOf(mappings);
    }

    /** The controller method for {@code request}, or {@code null} when none matches (or matching fails). */
    HandlerMethod find(HttpServletRequest request) {
        PrivateAttributes view = new PrivateAttributes(request);
        ServletRequestPathUtils.parseAndCache(view);
        for (RequestMappingHandlerMapping mapping : mappings) {
            HandlerExecutionChain chain;
            try {
                chain = mapping.getHandler(view);
            } catch (Exception noMatch) {
                return null;
            }
            if (chain != null) {
                return chain.getHandler() instanceof HandlerMethod handler ? handler : null;
            }
        }
        return null;
    }

    /** A request whose attribute writes and removals are kept in the view, never reaching the request. */
    private static final class PrivateAttributes extends HttpServletRequestWrapper {
        private final Map<String, Object> written = new HashMap<>();
        private final Set<String> removed = new HashSet<>();

        PrivateAttributes(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Object getAttribute(String name) {
            if (written.containsKey(name)) {
                return written.get(name);
            }
            return removed.contains(name) ? null : super.getAttribute(name);
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            Set<String> names = new HashSet<>(Collections.list(super.getAttributeNames()));
            names.removeAll(removed);
            names.addAll(written.keySet());
            return Collections.enumeration(names);
        }

        @Override
        public void setAttribute(String name, Object value) {
            removed.remove(name);
            written.put(name, value);
        }

        @Override
        public void removeAttribute(String name) {
            written.remove(name);
            removed.add(name);
        }
    }
}
