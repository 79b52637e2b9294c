package dev.idem.agent.engine;

import java.lang.reflect.Method;

/** Finds a method by the name and JVM descriptor the woven code passes, as in {@code charge(Ljava/lang/String;)I}. */
final class Descriptors {

    private Descriptors() {
    }

    /** The method of {@code type} named and described by {@code id}, or {@code null}. */
    static Method find(Class<?> type, String id) {
        for (Method method : type.getDeclaredMethods()) {
            if (id.equals(of(method))) {
                return method;
            }
        }
        return null;
    }

    /** {@code name(params)return} in JVM descriptor form. */
    static String of(Method method) {
        StringBuilder descriptor = new StringBuilder(method.getName()).append('(');
        for (Class<?> parameter : method.getParameterTypes()) {
            descriptor.append(of(parameter));
        }
        return descriptor.append(')').append(of(method.getReturnType())).toString();
    }

    private static String of(Class<?> type) {
        if (type.isArray()) {
            return type.getName().replace('.', '/');
        }
        if (!type.isPrimitive()) {
            return "L" + type.getName().replace('.', '/') + ";";
        }
        switch (type.getName()) {
            case "void":
                return "V";
            case "boolean":
                return "Z";
            case "byte":
                return "B";
            case "char":
                return "C";
            case "short":
                return "S";
            case "int":
                return "I";
            case "long":
                return "J";
            case "float":
                return "F";
            default:
                return "D";
        }
    }
}
