package dev.hotswap.reflect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a class file declares, as reflection reports it: each field's and method's name,
 * descriptor, modifiers, generic signature, checked exceptions, parameter names, and the raw
 * bytes of its annotation attributes — raw, because the JDK's own annotation parser reads them
 * against the constant pool of the class file they came from ({@link ConstantPools}).
 */
record Declared(String name, int access, byte[] annotations, List<Member> fields, List<Member> methods,
                Optional<List<Component>> components, Optional<List<String>> permitted) {
    /** A field or method (constructors are methods named {@code <init>}). */
    record Member(String name, String descriptor, int access, String signature, List<String> exceptions,
                  byte[] annotations, byte[] parameterAnnotations, byte[] annotationDefault,
                  Optional<List<Parameter>> parameters) {
        boolean isStatic() {
            return (access & java.lang.reflect.Modifier.STATIC) != 0;
        }

        String key() {
            return name + descriptor + (isStatic() ? "S" : "I");
        }
    }

    /** One entry of a {@code Record} attribute. */
    record Component(String name, String descriptor, String signature) {
    }

    /** One entry of a {@code MethodParameters} attribute. */
    record Parameter(String name, int access) {
    }

    private static final int ACC_SYNTHETIC = 0x1000;

    static Declared read(byte[] b) {
        Reader r = new Reader(b);
        int[] offsets = dev.hotswap.classfile.ConstantPool.tagOffsets(b);
        int at = offsets[offsets.length - 1];
        r.offsets = offsets;
        int access = r.u2(at);
        String name = r.utf8(r.u2(offsets[r.u2(at + 2)] + 1));
        at += 6;
        at += 2 + 2 * r.u2(at);
        List<Member> fields = new ArrayList<>();
        at = r.members(at, fields, false);
        List<Member> methods = new ArrayList<>();
        at = r.members(at, methods, true);
        byte[] annotations = null;
        Optional<List<Component>> components = Optional.empty();
        Optional<List<String>> permitted = Optional.empty();
        int attributes = r.u2(at);
        at += 2;
        for (int i = 0; i < attributes; i++) {
            String attribute = r.utf8(r.u2(at));
            int length = r.u4(at + 2);
            if (attribute.equals("RuntimeVisibleAnnotations")) {
                annotations = r.slice(at + 6, length);
            } else if (attribute.equals("Record")) {
                components = Optional.of(r.components(at + 6));
            } else if (attribute.equals("PermittedSubclasses")) {
                List<String> names = new ArrayList<>();
                for (int c = 0; c < r.u2(at + 6); c++) {
                    names.add(r.className(r.u2(at + 8 + 2 * c)));
                }
                permitted = Optional.of(List.copyOf(names));
            }
            at += 6 + length;
        }
        return new Declared(name, access, annotations, List.copyOf(fields), List.copyOf(methods), components, permitted);
    }

    Optional<Member> method(String name, String descriptor) {
        return methods.stream().filter(m -> m.name.equals(name) && m.descriptor.equals(descriptor)).findFirst();
    }

    private static final class Reader {
        final byte[] b;
        int[] offsets;

        Reader(byte[] b) {
            this.b = b;
        }

        int u2(int at) {
            return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
        }

        int u4(int at) {
            return (u2(at) << 16) | u2(at + 2);
        }

        byte[] slice(int at, int length) {
            byte[] out = new byte[length];
            System.arraycopy(b, at, out, 0, length);
            return out;
        }

        String utf8(int index) {
            int at = offsets[index];
            // Modified UTF-8; names and signatures that matter here hold no NUL nor surrogate pairs.
            return new String(b, at + 3, u2(at + 1), StandardCharsets.UTF_8);
        }

        String className(int index) {
            return utf8(u2(offsets[index] + 1));
        }

        List<Component> components(int at) {
            List<Component> out = new ArrayList<>();
            int count = u2(at);
            at += 2;
            for (int i = 0; i < count; i++) {
                String name = utf8(u2(at));
                String descriptor = utf8(u2(at + 2));
                int attributes = u2(at + 4);
                at += 6;
                String signature = null;
                for (int a = 0; a < attributes; a++) {
                    if (utf8(u2(at)).equals("Signature")) {
                        signature = utf8(u2(at + 6));
                    }
                    at += 6 + u4(at + 2);
                }
                out.add(new Component(name, descriptor, signature));
            }
            return List.copyOf(out);
        }

        int members(int at, List<Member> out, boolean methods) {
            int count = u2(at);
            at += 2;
            for (int i = 0; i < count; i++) {
                int access = u2(at);
                String name = utf8(u2(at + 2));
                String descriptor = utf8(u2(at + 4));
                int attributes = u2(at + 6);
                at += 8;
                String signature = null;
                List<String> exceptions = List.of();
                byte[] annotations = null;
                byte[] parameterAnnotations = null;
                byte[] annotationDefault = null;
                Optional<List<Parameter>> parameters = Optional.empty();
                for (int a = 0; a < attributes; a++) {
                    String attribute = utf8(u2(at));
                    int length = u4(at + 2);
                    int body = at + 6;
                    switch (attribute) {
                        case "Signature" -> signature = utf8(u2(body));
                        case "Synthetic" -> access |= ACC_SYNTHETIC;
                        case "RuntimeVisibleAnnotations" -> annotations = slice(body, length);
                        case "RuntimeVisibleParameterAnnotations" -> parameterAnnotations = slice(body, length);
                        case "AnnotationDefault" -> annotationDefault = slice(body, length);
                        case "Exceptions" -> {
                            List<String> names = new ArrayList<>();
                            for (int e = 0; e < u2(body); e++) {
                                names.add(className(u2(body + 2 + 2 * e)));
                            }
                            exceptions = List.copyOf(names);
                        }
                        case "MethodParameters" -> {
                            List<Parameter> list = new ArrayList<>();
                            int n = b[body] & 0xFF;
                            for (int p = 0; p < n; p++) {
                                int nameIndex = u2(body + 1 + 4 * p);
                                list.add(new Parameter(nameIndex == 0 ? null : utf8(nameIndex), u2(body + 3 + 4 * p)));
                            }
                            parameters = Optional.of(List.copyOf(list));
                        }
                        default -> {
                        }
                    }
                    at = body + length;
                }
                if (!methods || !name.equals("<clinit>")) {
                    out.add(new Member(name, descriptor, access, signature, exceptions, annotations, parameterAnnotations,
                            annotationDefault, parameters));
                }
            }
            return at;
        }
    }
}
