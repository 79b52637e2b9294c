package dev.idem;

import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.annotation.IdempotencyKeyException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The built-in key expression language: a subset of Spring SpEL, with Spring's cache-key conventions,
 * in which every valid expression means the same as in SpEL.
 *
 * <pre>
 * expression := term ('+' term)*
 * term       := 'string' | "string" | integer | '#' name step*
 * step       := '.' name | '?.' name | '[' ('string' | "string" | integer) ']'
 * </pre>
 *
 * <p>{@code #p0} and {@code #a0} are arguments by position, {@code #name} by parameter name (which needs
 * {@code -parameters}). Properties are read as {@link PropertyAccess} says. A step after {@code ?.} gives
 * {@code null} on a {@code null} target; any other step on {@code null} fails, as in SpEL. Concatenation
 * needs a string on one side of the first {@code +} (else SpEL would add numbers), turns enums into their
 * names and refuses {@code null}, where SpEL would write "null". Paths are checked at parse time against
 * the declared types wherever a type cannot hold other properties at run time. Stateless and thread-safe.
 */
final class SimpleExpressionParser implements KeyExpressionParser {

    static final SimpleExpressionParser INSTANCE = new SimpleExpressionParser();

    private static final Pattern POSITIONAL = Pattern.compile("[ap](0|[1-9][0-9]{0,8})");

    private SimpleExpressionParser() {
    }

    @Override
    public KeyExpression parse(String expression, Method method) {
        Objects.requireNonNull(method, "method");
        return new Parser(expression, method).expression();
    }

    private interface Term {
        Object evaluate(Object[] args, CompiledExpression expression);

        /** The declared type of the value, or {@code null} when unknown. */
        Type staticType();

        String text();
    }

    private record Literal(String text, Object value) implements Term {
        @Override
        public Object evaluate(Object[] args, CompiledExpression expression) {
            return value;
        }

        @Override
        public Type staticType() {
            return value.getClass();
        }
    }

    private record Path(String text, int argument, Step[] steps, Type staticType) implements Term {
        @Override
        public Object evaluate(Object[] args, CompiledExpression expression) {
            Object value = args[argument];
            for (Step step : steps) {
                if (value == null) {
                    if (step.nullSafe) {
                        continue;
                    }
                    throw expression.keyError(step.before + " is null, so " + step.text + " cannot be read", null);
                }
                try {
                    value = step.apply(value);
                } catch (PropertyAccess.ReadException e) {
                    throw expression.keyError("cannot read " + step.text + " of " + step.before + ": "
                            + e.getMessage(), e);
                }
            }
            return value;
        }
    }

    private abstract static class Step {
        final boolean nullSafe;
        /** The path before this step, as written, for messages. */
        final String before;
        /** This step as written, for messages. */
        final String text;

        Step(boolean nullSafe, String before, String text) {
            this.nullSafe = nullSafe;
            this.before = before;
            this.text = text;
        }

        abstract Object apply(Object target);
    }

    private static final class PropertyStep extends Step {
        private record CachedAccessor(Class<?> type, PropertyAccess.Accessor accessor) {
        }

        private final String name;
        private volatile CachedAccessor cached;

        PropertyStep(String name, boolean nullSafe, String before, String text) {
            super(nullSafe, before, text);
            this.name = name;
        }

        @Override
        Object apply(Object target) {
            CachedAccessor current = cached;
            if (current == null || current.type != target.getClass()) {
                current = new CachedAccessor(target.getClass(), PropertyAccess.accessor(target.getClass(), name));
                cached = current;
            }
            return current.accessor.read(target);
        }
    }

    private static final class IndexStep extends Step {
        private final Object key;

        IndexStep(Object key, String before, String text) {
            super(false, before, text);
            this.key = key;
        }

        @Override
        Object apply(Object target) {
            return PropertyAccess.index(target, key);
        }
    }

    private static final class CompiledExpression implements KeyExpression {
        private final String source;
        private final String method;
        private final Term[] terms;

        CompiledExpression(String source, String method, Term[] terms) {
            this.source = source;
            this.method = method;
            this.terms = terms;
        }

        @Override
        public Object evaluate(Object target, Object[] args) {
            if (terms.length == 1) {
                return terms[0].evaluate(args, this);
            }
            StringBuilder key = new StringBuilder();
            Object first = null;
            for (int i = 0; i < terms.length; i++) {
                Object value = terms[i].evaluate(args, this);
                if (value == null) {
                    throw keyError(terms[i].text() + " is null; a key cannot contain null", null);
                }
                if (i == 0) {
                    first = value;
                } else if (i == 1 && !(first instanceof String) && !(value instanceof String)) {
                    throw keyError("the first '+' joins " + PropertyAccess.simpleName(first.getClass()) + " and "
                            + PropertyAccess.simpleName(value.getClass()) + ", so SpEL would add them; put a string"
                            + " between them, e.g. #a + ':' + #b", null);
                }
                key.append(text(value, terms[i]));
            }
            return key.toString();
        }

        private String text(Object value, Term term) {
            if (value instanceof String || value instanceof Number) {
                // class checks first: a failed interface instanceof is slow on JDK 17
                return value.toString();
            }
            if (value instanceof Enum<?> constant) {
                return constant.name();
            }
            if (value instanceof Collection<?> || value instanceof Map<?, ?> || value.getClass().isArray()) {
                throw keyError(term.text() + " has type " + PropertyAccess.simpleName(value.getClass())
                        + "; only single values can be joined with +", null);
            }
            return value.toString();
        }

        IdempotencyKeyException keyError(String detail, Throwable cause) {
            return new IdempotencyKeyException("Cannot compute the key of " + method + " from \"" + source + "\": "
                    + detail, cause);
        }

        @Override
        public String source() {
            return source;
        }

        @Override
        public String toString() {
            return source;
        }
    }

    /** One parse of one expression: a cursor over its text. */
    private static final class Parser {
        private final String source;
        private final Method method;
        private final Parameter[] parameters;
        private int position;
        private int stepStart;

        Parser(String source, Method method) {
            this.source = source;
            this.method = method;
            this.parameters = method.getParameters();
        }

        KeyExpression expression() {
            if (source == null || source.isBlank()) {
                throw error("the expression is empty; write a key such as #p0 or #event.id");
            }
            List<Term> terms = new ArrayList<>();
            terms.add(term());
            int firstPlus = -1;
            while (skipSpaces() < source.length()) {
                if (source.charAt(position) != '+') {
                    throw unexpected();
                }
                firstPlus = firstPlus < 0 ? position : firstPlus;
                position++;
                terms.add(term());
            }
            if (terms.size() > 1 && !mayBeString(terms.get(0)) && !mayBeString(terms.get(1))) {
                throw error("the '+' at column " + (firstPlus + 1) + " joins two values that are not strings, so SpEL"
                        + " would add them; put a string between them, e.g. #a + ':' + #b");
            }
            return new CompiledExpression(source, Methods.describe(method), terms.toArray(Term[]::new));
        }

        private Term term() {
            skipSpaces();
            int start = position;
            if (position == source.length()) {
                throw error("the expression ends where a value is expected; add #parameter, a 'string' or a number");
            }
            Object literal = literal();
            if (literal != null) {
                return new Literal(source.substring(start, position), literal);
            }
            if (source.charAt(position) != '#') {
                throw unexpected();
            }
            position++;
            int argument = argument(identifier());
            Type type = parameters[argument].getParameterizedType();
            List<Step> steps = new ArrayList<>();
            for (Step step = step(start); step != null; step = step(start)) {
                type = staticType(type, step);
                steps.add(step);
            }
            return new Path(source.substring(start, position).strip(), argument, steps.toArray(Step[]::new), type);
        }

        private Step step(int pathStart) {
            int end = position;
            skipSpaces();
            stepStart = position;
            String before = source.substring(pathStart, end).strip();
            if (source.startsWith("?.", position) || source.startsWith(".", position)) {
                boolean nullSafe = source.charAt(position) == '?';
                position += nullSafe ? 2 : 1;
                String name = identifier();
                return new PropertyStep(name, nullSafe, before, source.substring(stepStart, position));
            }
            if (source.startsWith("[", position)) {
                position++;
                skipSpaces();
                Object key = literal();
                if (key == null) {
                    throw error(found() + " at column " + (position + 1) + "; an index is a number or a 'string'");
                }
                skipSpaces();
                if (!source.startsWith("]", position)) {
                    throw error(found() + " at column " + (position + 1) + "; expected ']'");
                }
                position++;
                return new IndexStep(key, before, source.substring(stepStart, position));
            }
            position = end;
            return null;
        }

        private int argument(String name) {
            if (name.equals("root") || name.equals("this")) {
                throw error("#" + name + " is not supported; use #p0 or a parameter name");
            }
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i].isNamePresent() && parameters[i].getName().equals(name)) {
                    return i;
                }
            }
            Matcher positional = POSITIONAL.matcher(name);
            if (positional.matches() && Integer.parseInt(positional.group(1)) < parameters.length) {
                return Integer.parseInt(positional.group(1));
            }
            if (!positional.matches() && parameters.length > 0 && !parameters[0].isNamePresent()) {
                String positions = parameters.length == 1 ? "#p0" : "#p0 to #p" + (parameters.length - 1);
                throw error("#" + name + " names a parameter, but the parameter names were not compiled in; compile"
                        + " with -parameters or use " + positions);
            }
            throw error("the method has no parameter #" + name + " (" + parameterList() + ")");
        }

        private String parameterList() {
            if (parameters.length == 0) {
                return "it has no parameters";
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < parameters.length; i++) {
                names.add((parameters[i].isNamePresent() ? "#" + parameters[i].getName() + " or " : "") + "#p" + i);
            }
            return "parameters: " + String.join(", ", names);
        }

        private Type staticType(Type type, Step step) {
            Class<?> raw = PropertyAccess.rawClass(type);
            if (raw == null) {
                return null;
            }
            raw = PropertyAccess.box(raw);
            Object key = step instanceof PropertyStep property ? property.name : ((IndexStep) step).key;
            if (Map.class.isAssignableFrom(raw)) {
                return PropertyAccess.elementType(type);
            }
            if (key instanceof String name) {
                if (PropertyAccess.has(raw, name)) {
                    return PropertyAccess.propertyType(type, name);
                }
                if (closed(raw)) {
                    throw error(PropertyAccess.simpleName(raw) + " has no property '" + name + "' (known: "
                            + String.join(", ", PropertyAccess.propertyNames(raw)) + "), at column "
                            + (stepStart + 1));
                }
                return null;
            }
            if (PropertyAccess.indexable(raw)) {
                return PropertyAccess.elementType(type);
            }
            if (closed(raw)) {
                throw error(PropertyAccess.simpleName(raw) + " cannot be indexed by a number, at column "
                        + (stepStart + 1) + "; [0] works on lists, arrays and other collections");
            }
            return null;
        }

        /** Whether a value of this declared type cannot have other properties at run time. */
        private static boolean closed(Class<?> type) {
            int modifiers = type.getModifiers();
            return type.isEnum() || (type != Object.class && !type.isInterface()
                    && (Modifier.isFinal(modifiers) || !Modifier.isAbstract(modifiers)));
        }

        private static boolean mayBeString(Term term) {
            Class<?> type = PropertyAccess.rawClass(term.staticType());
            return type == null || PropertyAccess.box(type).isAssignableFrom(String.class);
        }

        /** The string or integer literal at the cursor, which moves past it; {@code null} if there is none. */
        private Object literal() {
            if (position == source.length()) {
                return null;
            }
            char c = source.charAt(position);
            if (c == '\'' || c == '"') {
                return string(c);
            }
            return isDigit(c) ? integer() : null;
        }

        /** A quoted string, in which a doubled quote stands for one quote. */
        private String string(char quote) {
            StringBuilder value = new StringBuilder();
            int i = position + 1;
            while (i < source.length()) {
                char c = source.charAt(i++);
                if (c != quote) {
                    value.append(c);
                } else if (i < source.length() && source.charAt(i) == quote) {
                    value.append(quote);
                    i++;
                } else {
                    position = i;
                    return value.toString();
                }
            }
            throw error("the string at column " + (position + 1) + " is not closed; add " + quote);
        }

        private int integer() {
            int start = position;
            while (position < source.length() && isDigit(source.charAt(position))) {
                position++;
            }
            try {
                return Integer.parseInt(source.substring(start, position));
            } catch (NumberFormatException e) {
                throw error("the number at column " + (start + 1) + " is too large");
            }
        }

        private String identifier() {
            skipSpaces();
            int start = position;
            if (position < source.length() && isIdentifierStart(source.charAt(position))) {
                position++;
                while (position < source.length()
                        && (isIdentifierStart(source.charAt(position)) || isDigit(source.charAt(position)))) {
                    position++;
                }
                return source.substring(start, position);
            }
            throw error(found() + " at column " + (position + 1) + "; expected a name");
        }

        private int skipSpaces() {
            while (position < source.length() && Character.isWhitespace(source.charAt(position))) {
                position++;
            }
            return position;
        }

        private IdempotencyConfigurationException unexpected() {
            char c = source.charAt(position);
            String advice = switch (c) {
                case '(', ')' -> "method calls and parentheses are not supported; read a property instead"
                        + " (getX(), x() or a public field)";
                case '?', ':' -> "the ternary and Elvis operators are not supported";
                case '@', '&' -> "bean references are not supported";
                case '-', '*', '/', '%', '^', '=', '!', '<', '>', '|' ->
                        "the only operator is + (string concatenation)";
                default -> isIdentifierStart(c)
                        ? "a value starts with #, such as #p0 or #event; T(...), new, true, false and null are not"
                                + " supported"
                        : "write #parameter paths, ['key'] or [0], 'strings' and numbers, joined with +";
            };
            return error(found() + " at column " + (position + 1) + "; " + advice);
        }

        private String found() {
            return position < source.length() ? "unexpected '" + source.charAt(position) + "'" : "unexpected end";
        }

        private IdempotencyConfigurationException error(String detail) {
            return new IdempotencyConfigurationException("Invalid key expression \"" + source + "\" on "
                    + Methods.describe(method) + ": " + detail, null);
        }

        private static boolean isIdentifierStart(char c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$';
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
