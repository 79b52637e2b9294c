package dev.idem.spring;

import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * An HTTP response as the store keeps it for replay: status, the headers worth replaying and the body.
 * Immutable apart from the body array.
 *
 * @param status the status code
 * @param headers the headers, in order, without hop-by-hop headers, {@code Date} and {@code Set-Cookie}
 * @param body the body
 */
record StoredResponse(int status, Map<String, List<String>> headers, byte[] body) {

    private static final Set<String> NOT_REPLAYED = Set.of("connection", "keep-alive", "transfer-encoding",
            "content-length", "date", "set-cookie", "upgrade", "trailer", "te", "proxy-authenticate");

    /** Copies the headers. */
    StoredResponse {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** What {@code response} holds so far. */
    static StoredResponse of(ContentCachingResponseWrapper response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : response.getHeaderNames()) {
            if (!NOT_REPLAYED.contains(name.toLowerCase(Locale.ROOT)) && !headers.containsKey(name)) {
                headers.put(name, new ArrayList<>(response.getHeaders(name)));
            }
        }
        if (response.getContentType() != null && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            headers.put("Content-Type", List.of(response.getContentType()));
        }
        return new StoredResponse(response.getStatus(), headers, response.getContentAsByteArray());
    }

    /** Writes this response to {@code response}, marked with {@code replayedHeader: true}. */
    void replay(HttpServletResponse response, String replayedHeader) throws java.io.IOException {
        response.setStatus(status);
        headers.forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
        response.setHeader(replayedHeader, "true");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}
