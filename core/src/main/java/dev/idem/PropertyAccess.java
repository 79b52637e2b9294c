package dev.idem;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads properties the way key expressions see them. For a {@code Map}, a property is a key; otherwise,
 * in this order: a record component, a public getter {@code getName()} (or {@code isName()} returning a
 * boolean), a public no-arg method {@code name()} returning a value, a public field. Inherited public
 * members count; the methods {@code getClass()}, {@code hashCode()} and {@code toString()} do not. Arrays
 * have {@code length}. Lookups are cached per class; stateless otherwise and thread-safe.
 */
final class PropertyAccess {

    /** Reads one property of beans of one class. Implementations are immutable and thread-safe. */
    @FunctionalInterface
    interface Accessor {
        /** @throws ReadException when the property cannot be read or its getter threw */
        Object read(Object bean);
    }

    /** A property cannot be read: it does not exist, access is denied, or its getter threw (the cause). */
    static final class ReadException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ReadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private record Property(Type type, Accessor accessor) {
        boolean found() {
            return type != null;
        }
    }

    private record ClassInfo(Map<String, Property> properties, List<String> names) {
    }

    private static final Set<String> OBJECT_METHODS = Set.of("getClass", "hashCode", "toString");
    private static final MethodType OBJECT_TO_OBJECT = MethodType.methodType(Object.class, Object.class);
    private static final ClassValue<ClassInfo> CLASS_INFO = new ClassValue<>() {
        @Override
        protected ClassInfo computeValue(Class<?> type) {
            return new ClassInfo(new ConcurrentHashMap<>(), collectNames(box(type)));
        }
    };

    private PropertyAccess() {
    }

    /**
     * Reads {@code name} of {@code bean}; a key missing from a {@code Map} reads as {@code null}.
     *
     * @throws ReadException when the class has no such property, access is denied or the getter threw
     */
    static Object read(Object bean, String name) {
        return accessor(bean.getClass(), name).read(bean);
    }

    /** The accessor of {@code name} on instances of {@code type}; reading a missing property throws. */
    static Accessor accessor(Class<?> type, String name) {
        return property(type, name).accessor();
    }

    /** Whether instances of {@code type} have property {@code name}; always true for maps. */
    static boolean has(Class<?> type, String name) {
        return property(type, name).found();
    }

    /**
     * The declared type of property {@code name} of {@code ownerType}, with the owner's type arguments
     * applied where they are known; {@code null} when the property or its type is unknown.
     */
    static Type propertyType(Type ownerType, String name) {
        Class<?> owner = rawClass(ownerType);
        if (owner == null) {
            return null;
        }
        if (Map.class.isAssignableFrom(owner)) {
            return typeArgument(ownerType, Map.class, 1);
        }
        Type type = property(owner, name).type();
        if (type instanceof TypeVariable<?> variable && variable.getGenericDeclaration() instanceof Class<?> declarer) {
            return typeArgument(ownerType, declarer, List.of(declarer.getTypeParameters()).indexOf(variable));
        }
        return type;
    }

    /** The property names of {@code type}, sorted, for messages; empty for maps. */
    static List<String> propertyNames(Class<?> type) {
        return CLASS_INFO.get(type).names();
    }

    /**
     * Reads {@code target[key]}: a map value by key, a list, collection or array element by an
     * {@code Integer} position, or a property by a {@code String} name.
     *
     * @throws ReadException when the position is out of range or {@code target} cannot be indexed so
     */
    static Object index(Object target, Object key) {
        if (target instanceof Map<?, ?> map) {
            try {
                return map.get(key);
            } catch (ClassCastException e) {
                throw new ReadException(simpleName(target.getClass()) + " does not take " + simpleName(key.getClass())
                        + " keys", e);
            }
        }
        if (key instanceof String name) {
            return read(target, name);
        }
        int position = (Integer) key;
        if (target instanceof List<?> list) {
            requireInRange(position, list.size(), target);
            return list.get(position);
        }
        if (target.getClass().isArray()) {
            requireInRange(position, Array.getLength(target), target);
            return Array.get(target, position);
        }
        if (target instanceof Collection<?> collection) {
            requireInRange(position, collection.size(), target);
            Iterator<?> iterator = collection.iterator();
            for (int i = 0; i < position; i++) {
                iterator.next();
            }
            return iterator.next();
        }
        throw new ReadException(simpleName(target.getClass()) + " cannot be indexed by a number", null);
    }

    /**
     * The static type of {@code container[i]} for a number {@code i}: the element type of a list,
     * collection or array, the value type of a map; {@code null} when unknown or not indexable.
     */
    static Type elementType(Type container) {
        Class<?> raw = rawClass(container);
        if (raw == null) {
            return null;
        }
        if (container instanceof GenericArrayType array) {
            return array.getGenericComponentType();
        }
        if (raw.isArray()) {
            return raw.getComponentType();
        }
        if (Map.class.isAssignableFrom(raw)) {
            return typeArgument(container, Map.class, 1);
        }
        return typeArgument(container, Collection.class, 0);
    }

    /** Whether instances of the static type can be indexed by a number. */
    static boolean indexable(Class<?> type) {
        return type.isArray() || Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type);
    }

    /** The class of a static type; {@code null} for type variables and other types without one. */
    static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        if (type instanceof GenericArrayType array) {
            Class<?> component = rawClass(array.getGenericComponentType());
            return component == null ? null : component.arrayType();
        }
        if (type instanceof WildcardType wildcard) {
            return rawClass(wildcard.getUpperBounds()[0]);
        }
        return null;
    }

    /** The wrapper of a primitive type; other types unchanged. */
    static Class<?> box(Class<?> type) {
        return MethodType.methodType(type).wrap().returnType();
    }

    /** A class name for messages: the simple name, or the full name when there is none. */
    static String simpleName(Class<?> type) {
        String simple = type.getSimpleName();
        return simple.isEmpty() ? type.getName() : simple;
    }

    /**
     * The type argument {@code index} of {@code target} as seen from {@code type} (for example the
     * {@code V} of {@code Map} for a class extending {@code HashMap<String, Item>}), or {@code null}.
     */
    static Type typeArgument(Type type, Class<?> target, int index) {
        return typeArgument(type, target, index, new HashMap<>());
    }

    private static Type typeArgument(Type type, Class<?> target, int index, Map<TypeVariable<?>, Type> bindings) {
        Class<?> raw = rawClass(type);
        if (raw == null || !target.isAssignableFrom(raw)) {
            return null;
        }
        if (type instanceof ParameterizedType parameterized) {
            TypeVariable<?>[] variables = raw.getTypeParameters();
            Type[] arguments = parameterized.getActualTypeArguments();
            for (int i = 0; i < variables.length; i++) {
                Type bound = resolve(arguments[i], bindings);
                if (bound != null) {
                    bindings.put(variables[i], bound);
                }
            }
        }
        if (raw == target) {
            return resolve(target.getTypeParameters()[index], bindings);
        }
        List<Type> supertypes = new ArrayList<>(List.of(raw.getGenericInterfaces()));
        if (raw.getGenericSuperclass() != null) {
            supertypes.add(raw.getGenericSuperclass());
        }
        for (Type supertype : supertypes) {
            Type found = typeArgument(supertype, target, index, bindings);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static Type resolve(Type type, Map<TypeVariable<?>, Type> bindings) {
        if (type instanceof TypeVariable<?> variable) {
            return bindings.get(variable);
        }
        if (type instanceof WildcardType wildcard) {
            return resolve(wildcard.getUpperBounds()[0], bindings);
        }
        return type;
    }

    private static Property property(Class<?> type, String name) {
        Map<String, Property> properties = CLASS_INFO.get(type).properties();
        Property property = properties.get(name);
        if (property == null) {
            property = properties.computeIfAbsent(name, missing -> find(box(type), missing));
        }
        return property;
    }

    private static Property find(Class<?> type, String name) {
        if (Map.class.isAssignableFrom(type)) {
            return new Property(Object.class, bean -> index(bean, name));
        }
        if (type.isArray() && name.equals("length")) {
            return new Property(int.class, accessor(MethodHandles.arrayLength(type), type, name));
        }
        Method method = recordAccessor(type, name);
        String capitalized = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        if (method == null) {
            method = readMethod(type, "get" + capitalized);
        }
        if (method == null) {
            method = readMethod(type, "is" + capitalized);
            if (method != null && box(method.getReturnType()) != Boolean.class) {
                method = null;
            }
        }
        if (method == null) {
            method = readMethod(type, name);
        }
        if (method != null) {
            return new Property(method.getGenericReturnType(), accessor(method, type, name));
        }
        Field field = publicField(type, name);
        if (field != null) {
            return new Property(field.getGenericType(), accessor(field, type, name));
        }
        return new Property(null, bean -> {
            throw new ReadException(simpleName(type) + " has no property '" + name + "' (known: "
                    + String.join(", ", propertyNames(type)) + ")", null);
        });
    }

    private static Method recordAccessor(Class<?> type, String name) {
        if (!type.isRecord()) {
            return null;
        }
        for (RecordComponent component : type.getRecordComponents()) {
            if (component.getName().equals(name)) {
                return component.getAccessor();
            }
        }
        return null;
    }

    private static Method readMethod(Class<?> type, String methodName) {
        try {
            Method method = type.getMethod(methodName);
            return isReadMethod(method) ? method : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static boolean isReadMethod(Method method) {
        return method.getParameterCount() == 0 && method.getReturnType() != void.class
                && !Modifier.isStatic(method.getModifiers()) && !OBJECT_METHODS.contains(method.getName());
    }

    private static Field publicField(Class<?> type, String name) {
        try {
            Field field = type.getField(name);
            return Modifier.isStatic(field.getModifiers()) ? null : field;
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    /** Reads a public method or field, made callable even when its class is not public where allowed. */
    private static <M extends AccessibleObject & Member> Accessor accessor(M member, Class<?> type, String name) {
        try {
            Member visible = member instanceof Method method ? visibleVersion(method)
                    : isVisible(member.getDeclaringClass()) ? member : null;
            if (visible != null) {
                return accessor(unreflect(MethodHandles.publicLookup(), visible), type, name);
            }
            if (member.trySetAccessible()) {
                return accessor(unreflect(MethodHandles.lookup(), member), type, name);
            }
        } catch (IllegalAccessException e) {
            return denied(type, name, e);
        }
        return denied(type, name, null);
    }

    private static MethodHandle unreflect(MethodHandles.Lookup lookup, Member member) throws IllegalAccessException {
        return member instanceof Method method ? lookup.unreflect(method) : lookup.unreflectGetter((Field) member);
    }

    private static Accessor accessor(MethodHandle handle, Class<?> type, String name) {
        MethodHandle generic = handle.asType(OBJECT_TO_OBJECT);
        return bean -> {
            try {
                return (Object) generic.invokeExact(bean);
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                throw new ReadException("reading property '" + name + "' of " + simpleName(type) + " threw " + e, e);
            }
        };
    }

    private static Accessor denied(Class<?> type, String name, Throwable cause) {
        String where = type.getModule().isNamed() ? "module " + type.getModule().getName() : "its module";
        return bean -> {
            throw new ReadException("access denied to property '" + name + "' of " + type.getName() + ": the type is"
                    + " not public and " + where + " does not open package " + type.getPackageName()
                    + " to Idem; make the type public or open the package", cause);
        };
    }

    /** The same method declared by a public type in an exported package, so no access check can fail. */
    private static Method visibleVersion(Method method) {
        Deque<Class<?>> candidates = new ArrayDeque<>(List.of(method.getDeclaringClass()));
        while (!candidates.isEmpty()) {
            Class<?> candidate = candidates.poll();
            if (isVisible(candidate)) {
                try {
                    return candidate.getMethod(method.getName());
                } catch (NoSuchMethodException e) {
                    continue;
                }
            }
            if (candidate.getSuperclass() != null) {
                candidates.add(candidate.getSuperclass());
            }
            candidates.addAll(List.of(candidate.getInterfaces()));
        }
        return null;
    }

    private static boolean isVisible(Class<?> type) {
        return Modifier.isPublic(type.getModifiers()) && type.getModule().isExported(type.getPackageName());
    }

    private static List<String> collectNames(Class<?> type) {
        if (Map.class.isAssignableFrom(type)) {
            return List.of();
        }
        Set<String> names = new TreeSet<>();
        if (type.isArray()) {
            names.add("length");
        }
        for (Method method : type.getMethods()) {
            if (isReadMethod(method)) {
                names.add(propertyName(method));
            }
        }
        for (Field field : type.getFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                names.add(field.getName());
            }
        }
        return List.copyOf(names);
    }

    private static String propertyName(Method method) {
        String name = method.getName();
        boolean getter = name.startsWith("get") && name.length() > 3;
        boolean booleanGetter = name.startsWith("is") && name.length() > 2
                && box(method.getReturnType()) == Boolean.class;
        if (!getter && !booleanGetter) {
            return name;
        }
        String suffix = name.substring(getter ? 3 : 2);
        boolean acronym = suffix.length() > 1 && Character.isUpperCase(suffix.charAt(1));
        return acronym ? suffix : Character.toLowerCase(suffix.charAt(0)) + suffix.substring(1);
    }

    private static void requireInRange(int position, int size, Object target) {
        if (position >= size) {
            throw new ReadException("index " + position + " is out of range: the " + simpleName(target.getClass())
                    + " has " + size + " element" + (size == 1 ? "" : "s"), null);
        }
    }
}
