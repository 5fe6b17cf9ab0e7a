package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.RecordComponentVisitor;
import org.objectweb.asm.Type;

/**
 * The forbidden-signatures check of STYLE.md §1 and §8: reads every compiled main class of
 * core-fsm and fails, naming the class, the place and the reference, when core code reaches for a
 * clock, randomness, threads or concurrency, {@code synchronized}/{@code volatile}, environment or
 * system properties, file or socket APIs, logging, Netty or protobuf, or keeps a hash-ordered
 * collection in a field or record component. Hash collections built and dropped inside one method
 * (membership tests) are allowed and listed.
 */
class PurityTest {

  /** One forbidden reference found in one class. */
  record Violation(String className, String where, String reference, String rule) {
    @Override
    public String toString() {
      return className + " " + where + ": " + reference + " [" + rule + "]";
    }
  }

  /** What a scan found: the violations and the method-local hash collection uses it allowed. */
  record Report(List<Violation> violations, List<String> allowedLocalHashUses) {}

  /**
   * Named, reasoned exceptions. Each key is {@code class where reference}; a listed exception
   * that no longer matches anything fails the test, so the list cannot go stale.
   */
  static final Map<String, String> EXCEPTIONS = Map.of(
      "dev.cairn.core.book.AddressBook$Source newBucket: field newBucketByGroup := new"
          + " java.util.HashMap",
      "Source is a private helper created and dropped inside one add/addAll call; the map is a"
          + " lookup memo (get/put only, never iterated, made on first use), so no order can leak"
          + " into state or effects");

  // ---------------------------------------------------------------------------------------
  // Rules

  private static final List<String> HASH_COLLECTIONS = List.of(
      "java/util/HashMap", "java/util/HashSet", "java/util/LinkedHashMap",
      "java/util/LinkedHashSet", "java/util/IdentityHashMap", "java/util/WeakHashMap",
      "java/util/Hashtable");

  /** Types whose mere mention is forbidden: prefix (ending in '/') or exact internal name. */
  private static final Map<String, String> FORBIDDEN_TYPES = Map.ofEntries(
      Map.entry("java/util/Random", "randomness"),
      Map.entry("java/util/SplittableRandom", "randomness"),
      Map.entry("java/util/random/", "randomness"),
      Map.entry("java/security/SecureRandom", "randomness"),
      Map.entry("java/util/UUID", "randomness (UUID)"),
      Map.entry("java/time/Clock", "clock"),
      Map.entry("java/time/InstantSource", "clock"),
      Map.entry("java/lang/Thread", "threads"),
      Map.entry("java/lang/ThreadLocal", "threads"),
      Map.entry("java/lang/InheritableThreadLocal", "threads"),
      Map.entry("java/lang/Runtime", "threads/process"),
      Map.entry("java/lang/ProcessBuilder", "threads/process"),
      Map.entry("java/util/Timer", "threads"),
      Map.entry("java/util/concurrent/", "concurrency (executors, futures, locks, atomics)"),
      Map.entry("java/io/File", "file I/O"),
      Map.entry("java/io/FileInputStream", "file I/O"),
      Map.entry("java/io/FileOutputStream", "file I/O"),
      Map.entry("java/io/FileReader", "file I/O"),
      Map.entry("java/io/FileWriter", "file I/O"),
      Map.entry("java/io/RandomAccessFile", "file I/O"),
      Map.entry("java/io/PrintStream", "console I/O"),
      Map.entry("java/nio/file/", "file I/O"),
      Map.entry("java/nio/channels/", "file/socket I/O"),
      Map.entry("java/net/", "network"),
      Map.entry("io/netty/", "Netty"),
      Map.entry("com/google/protobuf/", "protobuf"),
      Map.entry("org/slf4j/", "logging"),
      Map.entry("java/util/logging/", "logging"),
      Map.entry("java/lang/System$Logger", "logging"),
      Map.entry("org/apache/logging/", "logging"),
      Map.entry("ch/qos/logback/", "logging"));

  /** Members forbidden on otherwise allowed types: "owner.name"; owner "java/time/*" = any. */
  private static final Map<String, String> FORBIDDEN_MEMBERS = Map.ofEntries(
      Map.entry("java/lang/System.nanoTime", "clock"),
      Map.entry("java/lang/System.currentTimeMillis", "clock"),
      Map.entry("java/lang/System.getenv", "environment"),
      Map.entry("java/lang/System.getProperty", "system properties"),
      Map.entry("java/lang/System.getProperties", "system properties"),
      Map.entry("java/lang/System.setProperty", "system properties"),
      Map.entry("java/lang/System.clearProperty", "system properties"),
      Map.entry("java/lang/System.identityHashCode", "identity hash"),
      Map.entry("java/lang/System.getLogger", "logging"),
      Map.entry("java/lang/System.out", "console I/O"),
      Map.entry("java/lang/System.err", "console I/O"),
      Map.entry("java/lang/System.in", "console I/O"),
      Map.entry("java/lang/System.console", "console I/O"),
      Map.entry("java/lang/System.exit", "process"),
      Map.entry("java/lang/Math.random", "randomness"),
      Map.entry("java/lang/StrictMath.random", "randomness"),
      Map.entry("java/lang/Object.wait", "threads"),
      Map.entry("java/lang/Object.notify", "threads"),
      Map.entry("java/lang/Object.notifyAll", "threads"),
      Map.entry("java/time/*.now", "clock"));

  static String typeRule(String internalName) {
    if (internalName == null) {
      return null;
    }
    String exact = FORBIDDEN_TYPES.get(internalName);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, String> e : FORBIDDEN_TYPES.entrySet()) {
      if (e.getKey().endsWith("/") && internalName.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }

  static String memberRule(String owner, String name) {
    String r = FORBIDDEN_MEMBERS.get(owner + "." + name);
    if (r == null && owner.startsWith("java/time/") && owner.indexOf('/', 10) < 0) {
      r = FORBIDDEN_MEMBERS.get("java/time/*." + name);
    }
    return r;
  }

  // ---------------------------------------------------------------------------------------
  // Scanner

  private static final Pattern CLASS_IN_SIGNATURE = Pattern.compile("L([\\w/$]+)[;<]");

  static Report scan(List<byte[]> classFiles) {
    List<Violation> violations = new ArrayList<>();
    List<String> allowed = new ArrayList<>();
    for (byte[] bytes : classFiles) {
      new ClassReader(bytes).accept(new Scanner(violations, allowed), 0);
    }
    return new Report(violations, allowed);
  }

  private static final class Scanner extends ClassVisitor {
    private final List<Violation> out;
    private final List<String> allowed;
    private String cls;

    Scanner(List<Violation> out, List<String> allowed) {
      super(Opcodes.ASM9);
      this.out = out;
      this.allowed = allowed;
    }

    void report(String where, String reference, String rule) {
      out.add(new Violation(cls, where, reference, rule));
    }

    /** Every class named in a descriptor or generic signature, checked against the type rules. */
    void checkTypes(String where, String descOrSignature) {
      if (descOrSignature == null) {
        return;
      }
      Matcher m = CLASS_IN_SIGNATURE.matcher(descOrSignature);
      while (m.find()) {
        checkType(where, m.group(1));
      }
    }

    void checkType(String where, String internalName) {
      String rule = typeRule(internalName);
      if (rule != null) {
        report(where, internalName.replace('/', '.'), rule);
      }
    }

    /** Hash-ordered collections may not be the type of anything that outlives a call. */
    void checkNoHashCollection(String where, String descOrSignature) {
      if (descOrSignature == null) {
        return;
      }
      Matcher m = CLASS_IN_SIGNATURE.matcher(descOrSignature);
      while (m.find()) {
        if (HASH_COLLECTIONS.contains(m.group(1))) {
          report(where, m.group(1).replace('/', '.'), "hash-ordered collection kept in state");
        }
      }
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName,
        String[] interfaces) {
      cls = name.replace('/', '.');
      checkType("extends", superName);
      checkNoHashCollection("extends", superName == null ? null : "L" + superName + ";");
      for (String i : interfaces) {
        checkType("implements", i);
      }
      checkTypes("class signature", signature);
    }

    @Override
    public RecordComponentVisitor visitRecordComponent(String name, String desc, String sig) {
      checkTypes("record component " + name, desc);
      checkTypes("record component " + name, sig);
      checkNoHashCollection("record component " + name, desc);
      checkNoHashCollection("record component " + name, sig);
      return null;
    }

    @Override
    public FieldVisitor visitField(int access, String name, String desc, String sig,
        Object value) {
      String where = "field " + name;
      if ((access & Opcodes.ACC_VOLATILE) != 0) {
        report(where, "volatile", "concurrency (volatile)");
      }
      checkTypes(where, desc);
      checkTypes(where, sig);
      checkNoHashCollection(where, desc);
      checkNoHashCollection(where, sig);
      return null;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String desc, String sig,
        String[] exceptions) {
      String where = name;
      if ((access & Opcodes.ACC_SYNCHRONIZED) != 0) {
        report(where, "synchronized method", "concurrency (synchronized)");
      }
      checkTypes(where + " signature", desc);
      checkTypes(where + " signature", sig);
      if (exceptions != null) {
        for (String e : exceptions) {
          checkType(where + " throws", e);
        }
      }
      return new Body(where);
    }

    private final class Body extends MethodVisitor {
      private final String where;
      /** The hash collection whose constructor was the previous instruction, if any. */
      private String justBuilt;

      Body(String where) {
        super(Opcodes.ASM9);
        this.where = where;
      }

      private void member(String owner, String name, String desc) {
        if (owner.startsWith("[")) {
          checkTypes(where, owner);
        } else {
          checkType(where, owner);
          String rule = memberRule(owner, name);
          if (rule != null) {
            report(where, owner.replace('/', '.') + "." + name, rule);
          }
        }
        checkTypes(where, desc);
      }

      @Override
      public void visitMethodInsn(int op, String owner, String name, String desc, boolean itf) {
        member(owner, name, desc);
        if (op == Opcodes.INVOKESPECIAL && name.equals("<init>")
            && HASH_COLLECTIONS.contains(owner)) {
          justBuilt = owner;
          return; // the next instruction decides: a field store or a local use
        }
        flushLocalHash();
      }

      @Override
      public void visitFieldInsn(int op, String owner, String name, String desc) {
        if (justBuilt != null && (op == Opcodes.PUTFIELD || op == Opcodes.PUTSTATIC)) {
          report(where, "field " + name + " := new " + justBuilt.replace('/', '.'),
              "hash-ordered collection kept in state");
          justBuilt = null;
        } else {
          flushLocalHash();
        }
        member(owner, name, desc);
      }

      private void flushLocalHash() {
        if (justBuilt != null) {
          allowed.add(cls + " " + where + ": local " + justBuilt.replace('/', '.'));
          justBuilt = null;
        }
      }

      @Override
      public void visitTypeInsn(int op, String type) {
        flushLocalHash();
        if (type.startsWith("[")) {
          checkTypes(where, type);
        } else {
          checkType(where, type);
        }
      }

      @Override
      public void visitInsn(int op) {
        flushLocalHash();
        if (op == Opcodes.MONITORENTER) {
          report(where, "synchronized block", "concurrency (synchronized)");
        }
      }

      @Override
      public void visitVarInsn(int op, int var) {
        flushLocalHash();
      }

      @Override
      public void visitIntInsn(int op, int operand) {
        flushLocalHash();
      }

      @Override
      public void visitJumpInsn(int op, Label label) {
        flushLocalHash();
      }

      @Override
      public void visitLdcInsn(Object value) {
        flushLocalHash();
        constant(value);
      }

      @Override
      public void visitInvokeDynamicInsn(String name, String desc, Handle bsm, Object... args) {
        flushLocalHash();
        checkTypes(where, desc);
        for (Object a : args) {
          constant(a); // method references such as System::nanoTime arrive as handles
        }
      }

      private void constant(Object value) {
        if (value instanceof Type t) {
          checkTypes(where, t.getDescriptor());
        } else if (value instanceof Handle h) {
          member(h.getOwner(), h.getName(), h.getDesc());
        }
      }

      @Override
      public void visitMultiANewArrayInsn(String desc, int dims) {
        flushLocalHash();
        checkTypes(where, desc);
      }

      @Override
      public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        checkType(where + " catch", type);
      }

      @Override
      public void visitLocalVariable(String name, String desc, String sig, Label start,
          Label end, int index) {
        checkTypes(where + " local " + name, desc);
        checkTypes(where + " local " + name, sig);
      }

      @Override
      public void visitEnd() {
        flushLocalHash();
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Tests

  static Path mainClasses() {
    try {
      return Path.of(Core.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<byte[]> classFilesUnder(Path root) {
    try (Stream<Path> files = Files.walk(root.resolve("dev/cairn/core"))) {
      return files.filter(p -> p.toString().endsWith(".class")).sorted().map(p -> {
        try {
          return Files.readAllBytes(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] testClass(Class<?> c) {
    String file = c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class";
    try (InputStream in = c.getResourceAsStream(file)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String key(Violation v) {
    return v.className() + " " + v.where() + ": " + v.reference();
  }

  @Test
  void coreMainClassesArePure() {
    List<byte[]> classes = classFilesUnder(mainClasses());
    assertThat(classes).as("compiled core classes under dev/cairn/core").hasSizeGreaterThan(50);
    Report report = scan(classes);

    List<Violation> unexcused = report.violations().stream()
        .filter(v -> !EXCEPTIONS.containsKey(key(v))).toList();
    Set<String> used = new TreeSet<>();
    report.violations().forEach(v -> used.add(key(v)));
    Set<String> stale = new TreeSet<>(EXCEPTIONS.keySet());
    stale.removeAll(used);

    report.allowedLocalHashUses().forEach(u -> System.out.println("PurityTest allowed: " + u));
    assertThat(unexcused).as("forbidden references in core-fsm (STYLE.md §1, §8)").isEmpty();
    assertThat(stale).as("named exceptions that no longer match anything").isEmpty();
  }

  /** Breaks one rule per member; the scanner must name each one. */
  @SuppressWarnings("unused")
  static final class Impure {
    private volatile int counter;
    private final HashMap<String, Integer> cache = new HashMap<>();
    private final Map<String, Integer> hidden = new HashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    record Leaky(HashMap<String, String> byName) {}

    long now() {
      return System.nanoTime() + System.currentTimeMillis();
    }

    java.time.Instant wallNow() {
      return java.time.Instant.now();
    }

    int roll() {
      return new Random().nextInt(6);
    }

    synchronized void locked() {
      counter++;
    }

    void block() {
      synchronized (this) {
        counter--;
      }
    }

    void nap() throws InterruptedException {
      Thread.sleep(1);
    }

    String env() {
      return System.getenv("HOME") + System.getProperty("user.dir");
    }

    boolean disk() {
      return Files.exists(Path.of("x"));
    }

    java.util.function.LongSupplier clockRef() {
      return System::nanoTime;
    }

    String id() {
      return java.util.UUID.randomUUID().toString();
    }

    /** Allowed: a membership test inside one call. */
    int distinct(List<String> xs) {
      return new java.util.HashSet<>(xs).size();
    }
  }

  /** Pure code of the kind core-fsm holds: nothing to report. */
  @SuppressWarnings("unused")
  static final class Pure {
    private final java.util.TreeMap<String, Integer> sorted = new java.util.TreeMap<>();

    record Value(List<String> names, long at) {}

    long next(Prng prng) {
      return prng.nextLong().value();
    }

    boolean anyDuplicate(List<String> xs) {
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (String x : xs) {
        if (!seen.add(x)) {
          return true;
        }
      }
      return false;
    }
  }

  @Test
  void scannerReportsEveryBrokenRule() {
    Report report = scan(List.of(testClass(Impure.class), testClass(Impure.Leaky.class)));
    List<String> found = report.violations().stream().map(Violation::toString).toList();
    String impure = Impure.class.getName();

    assertThat(found).anyMatch(s -> s.startsWith(impure + " field counter: volatile"))
        .anyMatch(s -> s.startsWith(impure + " field cache: java.util.HashMap"))
        .anyMatch(s -> s.startsWith(impure + " <init>: field hidden := new java.util.HashMap"))
        .anyMatch(s -> s.startsWith(impure + " field sequence: java.util.concurrent.atomic"))
        .anyMatch(s -> s.startsWith(Impure.Leaky.class.getName()
            + " record component byName: java.util.HashMap"))
        .anyMatch(s -> s.startsWith(impure + " now: java.lang.System.nanoTime"))
        .anyMatch(s -> s.startsWith(impure + " now: java.lang.System.currentTimeMillis"))
        .anyMatch(s -> s.startsWith(impure + " wallNow: java.time.Instant.now"))
        .anyMatch(s -> s.startsWith(impure + " roll: java.util.Random"))
        .anyMatch(s -> s.startsWith(impure + " locked: synchronized method"))
        .anyMatch(s -> s.startsWith(impure + " block: synchronized block"))
        .anyMatch(s -> s.startsWith(impure + " nap: java.lang.Thread"))
        .anyMatch(s -> s.startsWith(impure + " env: java.lang.System.getenv"))
        .anyMatch(s -> s.startsWith(impure + " env: java.lang.System.getProperty"))
        .anyMatch(s -> s.startsWith(impure + " disk: java.nio.file.Files"))
        .anyMatch(s -> s.startsWith(impure + " clockRef: java.lang.System.nanoTime"))
        .anyMatch(s -> s.startsWith(impure + " id: java.util.UUID"));
    // the method-local membership set is allowed, and listed as such
    assertThat(found).noneMatch(s -> s.contains(" distinct: "));
    assertThat(report.allowedLocalHashUses())
        .contains(impure + " distinct: local java.util.HashSet");
  }

  @Test
  void scannerPassesPureCode() {
    Report report = scan(List.of(testClass(Pure.class), testClass(Pure.Value.class)));
    assertThat(report.violations()).isEmpty();
    assertThat(report.allowedLocalHashUses())
        .containsExactly(Pure.class.getName() + " anyDuplicate: local java.util.HashSet");
  }
}
