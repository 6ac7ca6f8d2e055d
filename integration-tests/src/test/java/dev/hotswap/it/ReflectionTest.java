package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogue: reflection on a class swapped structurally answers as its newest source says,
 * asked by code that is never recompiled and comes from a jar (as a framework's does): methods,
 * fields and constructors added, removed and changed (modifiers, generic signatures, parameter
 * names, checked exceptions), annotations of every kind of value on the class, members and
 * parameters, through every listing and single-member look-up; the objects work (invoke,
 * get/set, newInstance) on objects made before the swap, with the access rules of a fresh start;
 * hotswap's own catchers never show. Also a new {@code java.beans.Introspector} property.
 */
class ReflectionTest {
    @TempDir
    Path dir;

    static final String MARK = """
            package app;
            import java.lang.annotation.*;
            @Retention(RetentionPolicy.RUNTIME)
            public @interface Mark {
                String value() default "";
                Level level() default Level.LOW;
                Class<?> type() default Object.class;
                int[] nums() default {};
                Note note() default @Note("none");
            }
            """;
    static final String NOTE = """
            package app;
            import java.lang.annotation.*;
            @Retention(RetentionPolicy.RUNTIME)
            public @interface Note { String value(); }
            """;
    static final String SPEC = """
            package app;
            import java.lang.annotation.*;
            @Retention(RetentionPolicy.RUNTIME)
            public @interface Spec { String value() default "s"; }
            """;
    static final String SPEC_V2 = """
            package app;
            import java.lang.annotation.*;
            @Retention(RetentionPolicy.RUNTIME)
            public @interface Spec { String value() default "s"; int weight() default 3; }
            """;
    static final String LEVEL = "package app; public enum Level { LOW, HIGH }";
    static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Target before = new Target();
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " " + fw.Probe.describe(Target.class, before) + " end");
                        Thread.sleep(25);
                    }
                }
            }
            """;
    static final String V1 = """
            package app;
            @Mark("v1")
            public class Target {
                private int kept = 1;
                public String removedField = "r";
                public Target() {}
                public Target(int kept) { this.kept = kept; }
                @Mark("old") public int changed(int a) { return a + kept; }
                public String removed() { return "removed"; }
                static String helper() { return "h1"; }
                @Mark("gone") public int getPrice() { return 1; }
            }
            """;
    static final String V2 = """
            package app;
            @Mark(value = "v2", level = Level.HIGH, type = String.class, nums = {1, 2}, note = @Note("nested"))
            public class Target {
                private int kept = 1;
                @Mark("f") public java.util.List<String> added = java.util.List.of("a");
                public static int counter = 5;
                public Target() {}
                @Mark("ctor") public Target(String who) { this.kept = who.length(); }
                @Mark(value = "new", level = Level.HIGH) public int changed(int a) { return a * 10 + kept; }
                public <T extends Comparable<T>> T max(@Mark("left") T left, T right) throws java.io.IOException {
                    return left.compareTo(right) >= 0 ? left : right;
                }
                protected static String helper() { return "h2"; }
                private String secret() { return "s" + kept; }
                public int getPrice() { return 1; }
                public String getLabel() { return "L" + kept; }
                public static String fresh(int n) { return "fresh" + n; }
            }
            """;

    /** The framework's side: reflection only, never recompiled, loaded from a jar. */
    static final String PROBE = """
            package fw;
            import java.lang.annotation.Annotation;
            import java.lang.reflect.*;
            import java.util.*;
            public class Probe {
                public static String describe(Class<?> c, Object before) {
                    List<String> out = new ArrayList<>();
                    out.add("methods=" + sorted(Arrays.stream(c.getDeclaredMethods()).map(Probe::show).toList()));
                    out.add("public=" + sorted(Arrays.stream(c.getMethods()).filter(m -> m.getDeclaringClass() == c)
                            .map(Method::getName).toList()));
                    out.add("objectMethods=" + Arrays.stream(c.getMethods()).filter(m -> m.getName().equals("toString"))
                            .map(m -> m.getDeclaringClass().getSimpleName()).toList());
                    out.add("fields=" + sorted(Arrays.stream(c.getDeclaredFields())
                            .map(f -> Modifier.toString(f.getModifiers()) + " " + f.getGenericType().getTypeName() + " "
                                    + f.getName() + annotations(f.getAnnotations())).toList()));
                    out.add("ctors=" + sorted(Arrays.stream(c.getDeclaredConstructors())
                            .map(k -> Arrays.toString(k.getParameterTypes()) + annotations(k.getAnnotations())).toList()));
                    out.add("classMark=" + annotations(c.getAnnotations()));
                    out.add(attempt("specDefault", () -> {
                        Class<?> spec = Class.forName("app.Spec", false, c.getClassLoader());
                        return spec.getDeclaredMethod("value").getDefaultValue() + "/"
                                + spec.getDeclaredMethod("weight").getDefaultValue();
                    }));
                    out.add(attempt("changedMark", () -> annotations(c.getMethod("changed", int.class).getAnnotations())));
                    out.add(attempt("invoke", () -> c.getMethod("changed", int.class).invoke(before, 4)));
                    out.add(attempt("max", () -> {
                        Method m = c.getMethod("max", Comparable.class, Comparable.class);
                        return m.invoke(before, "a", "b") + "/" + m.toGenericString() + "/"
                                + Arrays.stream(m.getParameters()).map(Parameter::getName).toList() + "/"
                                + Arrays.stream(m.getParameterAnnotations()).map(Probe::annotations).toList();
                    }));
                    out.add(attempt("field", () -> {
                        Field f = c.getField("added");
                        Object was = f.get(before);
                        f.set(before, List.of("z"));
                        Object now = f.get(before);
                        f.set(before, null);
                        return was + "->" + now + "/" + f.getGenericType();
                    }));
                    out.add(attempt("counter", () -> {
                        Field f = c.getField("counter");
                        int was = f.getInt(null);
                        f.setInt(null, was + 1);
                        long widened = f.getLong(null);
                        f.setInt(null, was);
                        return was + "->" + widened;
                    }));
                    out.add(attempt("newCtor", () -> {
                        Object made = c.getDeclaredConstructor(String.class).newInstance("abcd");
                        return c.getMethod("changed", int.class).invoke(made, 0) + "/"
                                + c.getDeclaredConstructor(String.class).getParameters()[0].getName();
                    }));
                    out.add(attempt("removed", () -> c.getMethod("removed")));
                    out.add(attempt("removedField", () -> c.getField("removedField")));
                    out.add(attempt("removedCtor", () -> c.getDeclaredConstructor(int.class)));
                    out.add(attempt("helper", () -> {
                        Method m = c.getDeclaredMethod("helper");
                        m.setAccessible(true);
                        return Modifier.toString(m.getModifiers()) + "/" + m.invoke(null);
                    }));
                    out.add(attempt("secret", () -> c.getDeclaredMethod("secret").invoke(before)));
                    out.add(attempt("secretOpened", () -> {
                        Method m = c.getDeclaredMethod("secret");
                        m.setAccessible(true);
                        return m.invoke(before);
                    }));
                    out.add(attempt("publicSecret", () -> c.getMethod("secret")));
                    java.lang.invoke.MethodHandles.Lookup lookup = java.lang.invoke.MethodHandles.lookup();
                    out.add(attempt("findVirtual", () -> (Object) lookup.findVirtual(c, "max", java.lang.invoke.MethodType
                            .methodType(Comparable.class, Comparable.class, Comparable.class)).invoke(before, "x", "y")));
                    out.add(attempt("findStatic", () -> (Object) lookup.findStatic(c, "fresh", java.lang.invoke.MethodType
                            .methodType(String.class, int.class)).invoke(3)));
                    out.add(attempt("findGetter", () -> {
                        java.lang.invoke.MethodHandle set = lookup.findSetter(c, "added", List.class);
                        set.invoke(before, List.of("mh"));
                        Object got = (Object) lookup.findGetter(c, "added", List.class).invoke(before);
                        set.invoke(before, null);
                        return got;
                    }));
                    out.add(attempt("findConstructor", () -> {
                        Object made = (Object) lookup.findConstructor(c, java.lang.invoke.MethodType.methodType(void.class,
                                String.class)).invoke("xy");
                        return c.getMethod("changed", int.class).invoke(made, 1);
                    }));
                    out.add(attempt("unreflect", () -> (Object) lookup.unreflect(c.getMethod("max", Comparable.class,
                            Comparable.class)).invoke(before, "p", "q")));
                    out.add(attempt("unreflectGetter", () -> (Object) lookup.unreflectGetter(c.getField("counter")).invoke()));
                    out.add(attempt("findSecret", () -> lookup.findVirtual(c, "secret", java.lang.invoke.MethodType
                            .methodType(String.class))));
                    out.add(attempt("findRemoved", () -> lookup.findVirtual(c, "removed", java.lang.invoke.MethodType
                            .methodType(String.class))));
                    out.add(attempt("unsafe", () -> {
                        Field theUnsafe = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
                        theUnsafe.setAccessible(true);
                        sun.misc.Unsafe unsafe = (sun.misc.Unsafe) theUnsafe.get(null);
                        long kept = unsafe.objectFieldOffset(c.getDeclaredField("kept"));
                        return (kept > 0) + "/" + unsafe.objectFieldOffset(c.getField("added"));
                    }));
                    out.add(attempt("beans", () -> sorted(Arrays.stream(java.beans.Introspector.getBeanInfo(c, Object.class)
                            .getPropertyDescriptors()).map(java.beans.PropertyDescriptor::getName).toList())));
                    return String.join(" ", out);
                }
                interface Work { Object run() throws Throwable; }
                static String attempt(String name, Work work) {
                    try {
                        Object r = work.run();
                        return name + "=" + (r instanceof Member m ? "found:" + m.getName() : r);
                    } catch (InvocationTargetException e) {
                        return name + "=threw:" + e.getCause();
                    } catch (Throwable e) {
                        return name + "=" + e.getClass().getSimpleName();
                    }
                }
                static String show(Method m) {
                    return Modifier.toString(m.getModifiers()) + " " + m.getName() + "("
                            + String.join(",", Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName).toList()) + ")"
                            + annotations(m.getAnnotations()) + (m.getExceptionTypes().length > 0
                            ? "throws" + Arrays.stream(m.getExceptionTypes()).map(Class::getSimpleName).toList() : "");
                }
                static String annotations(Annotation[] annotations) {
                    if (annotations.length == 0) return "";
                    List<String> shown = new ArrayList<>();
                    for (Annotation a : annotations) shown.add(render(a));
                    return shown.toString().replace(" ", "");
                }
                static String render(Object v) {
                    if (v instanceof Annotation a) {
                        List<String> parts = new ArrayList<>();
                        Method[] ms = a.annotationType().getDeclaredMethods();
                        Arrays.sort(ms, Comparator.comparing(Method::getName));
                        for (Method m : ms) {
                            try { parts.add(m.getName() + "=" + render(m.invoke(a))); } catch (Exception e) { parts.add(m.getName() + "=?"); }
                        }
                        return "@" + a.annotationType().getSimpleName() + "(" + String.join(",", parts) + ")";
                    }
                    if (v instanceof String str) return '"' + str + '"';
                    if (v instanceof Class<?> k) return k.getSimpleName() + ".class";
                    if (v instanceof int[] ints) return Arrays.toString(ints).replace('[', '{').replace(']', '}');
                    return String.valueOf(v);
                }
                static List<String> sorted(List<String> list) {
                    List<String> copy = new ArrayList<>(list);
                    Collections.sort(copy);
                    return copy;
                }
            }
            """;

    private Path classes;
    private Path jar;

    /** The app at V1, the probe in a jar of its own, under hotswap. */
    private ChildJvm start() throws Exception {
        classes = dir.resolve("classes");
        Path probeClasses = dir.resolve("probe");
        Map<String, String> app = new LinkedHashMap<>();
        app.put("app.Main", MAIN);
        app.put("app.Mark", MARK);
        app.put("app.Note", NOTE);
        app.put("app.Level", LEVEL);
        app.put("app.Spec", SPEC);
        app.put("app.Target", V1);
        Javac.compile(probeClasses, Map.of("fw.Probe", PROBE));
        jar = jar(probeClasses, dir.resolve("fw.jar"));
        Javac.compileWithParameterNames(classes, app, jar);
        return ChildJvm.start(dir, java.util.List.of("-javaagent:" + ChildJvm.hotswapJar() + "=quiet=150ms",
                "-cp", classes + java.io.File.pathSeparator + jar + java.io.File.pathSeparator + ChildJvm.hotswapJar(),
                "app.Main"));
    }

    @Test
    void reflectionAnswersAsTheNewestSource() throws Exception {
        try (ChildJvm child = start()) {
            String first = child.await(" end");
            // As loaded: no catchers among the declared methods, the getters as properties.
            assertThat(first).contains("methods=[public changed(int)[@Mark(level=LOW,note=@Note(value=\"none\"),nums={},"
                            + "type=Object.class,value=\"old\")], public getPrice()[@Mark(level=LOW,note=@Note(value=\"none\"),nums={},"
                            + "type=Object.class,value=\"gone\")], public removed(), static helper()]")
                    .contains("objectMethods=[Object]")
                    .contains("removed=found:removed")
                    .contains("specDefault=NoSuchMethodException ")
                    .contains("findVirtual=NoSuchMethodException ")
                    .contains("unsafe=NoSuchFieldException ")
                    .contains("beans=[price]")
                    .contains("invoke=5 ");
            Javac.compileWithParameterNames(classes, Map.of("app.Target", V2, "app.Spec", SPEC_V2), classes, jar);
            // A tick that began before the swap landed may describe the class half old, half new: the next one may not.
            String line = child.await(child.mark(), l -> l.contains("public=[changed, fresh, getLabel, getPrice, max] ")
                    && l.contains("methods=[private secret()"), "a line with the newest members listed");
            // The first read of the added field on the object made before, whichever tick made it, ran its initializer.
            assertThat(child.output().lines().filter(l -> l.contains(" field=[") || l.contains(" field=null->")).findFirst())
                    .hasValueSatisfying(read -> assertThat(read).contains(" field=[a]->[z]"));
            assertThat(line)
                    .contains("methods=[private secret(), protected static helper(), public changed(int)[@Mark(level=HIGH,"
                            + "note=@Note(value=\"none\"),nums={},type=Object.class,value=\"new\")], public getLabel(),"
                            + " public getPrice(), public max(Comparable,Comparable)throws[IOException], public static fresh(int)]")
                    .contains("objectMethods=[Object]")
                    .contains("fields=[private int kept, public java.util.List<java.lang.String> added[@Mark(level=LOW,"
                            + "note=@Note(value=\"none\"),nums={},type=Object.class,value=\"f\")], public static int counter]")
                    .contains("ctors=[[], [class java.lang.String][@Mark(level=LOW,note=@Note(value=\"none\"),nums={},"
                            + "type=Object.class,value=\"ctor\")]]")
                    .contains("classMark=[@Mark(level=HIGH,note=@Note(value=\"nested\"),nums={1,2},type=String.class,"
                            + "value=\"v2\")]")
                    // an element added to an annotation interface, with its default
                    .contains("specDefault=s/3 ")
                    .contains("invoke=41 ")
                    .contains("max=b/public <T extends java.lang.Comparable<T>> T app.Target.max(T,T) throws"
                            + " java.io.IOException/[left, right]/[[@Mark(level=LOW,note=@Note(value=\"none\"),nums={},"
                            + "type=Object.class,value=\"left\")], ] ")
                    // an object made before the swap gets an added field from its initializer at its first read
                    // ([a]); the probe writes null back after each read, which every later read sees
                    .containsAnyOf("field=[a]->[z]/java.util.List<java.lang.String> ",
                            "field=null->[z]/java.util.List<java.lang.String> ")
                    .contains("counter=5->6 ")
                    .contains("newCtor=4/who ")
                    .contains("removed=NoSuchMethodException ")
                    .contains("removedField=NoSuchFieldException ")
                    .contains("removedCtor=NoSuchMethodException ")
                    .contains("helper=protected static/h2 ")
                    .contains("secret=IllegalAccessException ")
                    .contains("secretOpened=s1 ")
                    .contains("publicSecret=NoSuchMethodException ")
                    .contains("findVirtual=y ")
                    .contains("findStatic=fresh3 ")
                    .contains("findGetter=[mh] ")
                    .contains("findConstructor=12 ")
                    .contains("unreflect=q ")
                    .contains("unreflectGetter=5 ")
                    .contains("findSecret=IllegalAccessException ")
                    .contains("findRemoved=NoSuchMethodException ")
                    // an added field has no place in the object: Unsafe refuses it rather than hand out another's
                    .contains("unsafe=UnsupportedOperationException ")
                    .contains("beans=[label, price]");

            // Bodies alone: the members reflection made for added methods call the newest bodies.
            Javac.compileWithParameterNames(classes, Map.of("app.Target", V2.replace("\"s\" + kept", "\"t\" + kept")
                    .replace("\"fresh\" + n", "\"again\" + n").replace("a * 10 + kept", "a * 100 + kept")), classes, jar);
            line = child.await(child.mark(), l -> l.contains("secretOpened=t1 "), "a line with the new bodies");
            assertThat(line).contains("findStatic=again3 ").contains("invoke=401 ").contains("newCtor=4/who ")
                    .contains("methods=[private secret(), protected static helper(), public changed(int)[@Mark(level=HIGH,");
        }
    }

    /**
     * A class the engine holds, with no member the loaded class lacks, whose bodies alone change:
     * what reflection cached stays (nothing of it changed), and answers alike; its methods run the newest code.
     */
    @Test
    void aBodyEditOfAHeldClassKeepsWhatReflectionCached() throws Exception {
        String withoutRemoved = V1.replace("public String removed() { return \"removed\"; }", "");
        try (ChildJvm child = start()) {
            assertThat(child.await(" end")).contains("removed=found:removed").contains("invoke=5 ");
            // A method removed: the engine takes the class.
            Javac.compileWithParameterNames(classes, Map.of("app.Target", withoutRemoved), classes, jar);
            assertThat(child.await(child.mark(), l -> l.contains("removed=NoSuchMethodException "), "removed() gone"))
                    .contains("invoke=5 ");
            for (int round = 1; round <= 2; round++) {
                String factor = round == 1 ? "a * 7 + kept" : "a * 9 + kept";
                Javac.compileWithParameterNames(classes, Map.of("app.Target", withoutRemoved.replace("a + kept", factor)),
                        classes, jar);
                String expected = round == 1 ? "invoke=29 " : "invoke=37 ";
                String line = child.await(child.mark(), l -> l.contains(expected), "the new body, round " + round);
                assertThat(line)
                        .contains("methods=[public changed(int)[@Mark(level=LOW,note=@Note(value=\"none\"),nums={},"
                                + "type=Object.class,value=\"old\")], public getPrice()[@Mark(level=LOW,note=@Note("
                                + "value=\"none\"),nums={},type=Object.class,value=\"gone\")], static helper()]")
                        .contains("changedMark=[@Mark(level=LOW,note=@Note(value=\"none\"),nums={},type=Object.class,"
                                + "value=\"old\")] ")
                        .contains("classMark=[@Mark(level=LOW,note=@Note(value=\"none\"),nums={},type=Object.class,"
                                + "value=\"v1\")]")
                        .contains("removed=NoSuchMethodException ")
                        .contains("beans=[price]");
            }
        }
    }

    private static Path jar(Path classes, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> all = Files.walk(classes)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
        }
        return jar;
    }
}
