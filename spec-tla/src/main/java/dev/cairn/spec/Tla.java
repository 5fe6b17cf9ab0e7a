package dev.cairn.spec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tla2sany.semantic.ASTConstants;
import tla2sany.semantic.ExprNode;
import tla2sany.semantic.ExprOrOpArgNode;
import tla2sany.semantic.FormalParamNode;
import tla2sany.semantic.LabelNode;
import tla2sany.semantic.LetInNode;
import tla2sany.semantic.ModuleNode;
import tla2sany.semantic.OpApplNode;
import tla2sany.semantic.OpArgNode;
import tla2sany.semantic.OpDeclNode;
import tla2sany.semantic.OpDefNode;
import tla2sany.semantic.SemanticNode;
import tla2sany.semantic.Subst;
import tla2sany.semantic.SubstInNode;
import tla2sany.semantic.SymbolNode;
import tlc2.tool.Action;
import tlc2.tool.EvalControl;
import tlc2.tool.StateVec;
import tlc2.tool.TLCState;
import tlc2.tool.coverage.CostModel;
import tlc2.tool.impl.FastTool;
import tlc2.util.Context;
import tlc2.util.FP64;
import tlc2.value.IValue;
import tlc2.value.impl.MethodValue;
import tlc2.value.impl.Value;
import util.SimpleFilenameToStream;
import util.ToolIO;
import util.UniqueString;

/**
 * The in-process facade over TLC: load a spec with its cfg, get its initial states, the
 * successors of a state under one named action with Java-supplied arguments, evaluate its
 * invariants and definitions, and build or read states as Java values ({@link TlaValues}).
 *
 * <p><b>One spec per JVM at a time.</b> TLC keeps the loaded spec in static fields (the state
 * layout, the model-value table, per-variable slots on interned names, the fingerprint
 * polynomial). {@link #load} therefore refuses to load while another {@code Tla} is open, and a
 * closed {@code Tla} refuses every call. Specs may be loaded one after another; test classes
 * that use the facade run in one fork, one class at a time, and load once per class.
 *
 * <p>Thread use: one thread at a time per instance (TLC supports concurrent successor
 * generation, but this facade makes no such promise).
 */
public final class Tla implements AutoCloseable {

  private static final Object LOCK = new Object();
  private static Tla current;

  private final FastTool tool;
  private final String name;
  private final Map<String, OpDefNode> definitions;
  private final ByteArrayOutputStream messages;
  private boolean closed;

  private Tla(FastTool tool, String name, Map<String, OpDefNode> definitions, ByteArrayOutputStream messages) {
    this.tool = tool;
    this.name = name;
    this.definitions = definitions;
    this.messages = messages;
  }

  /**
   * Parses {@code module}.tla with {@code cfg}.cfg, both in {@code dir}; further modules are
   * looked up in {@code dir}, then in {@code libraryDirs}, then among TLC's standard modules.
   *
   * @throws IllegalStateException when another spec is loaded, or when SANY or the cfg reject
   *     the spec (the message carries TLC's own error text)
   */
  public static Tla load(Path dir, String module, String cfg, Path... libraryDirs) {
    synchronized (LOCK) {
      if (current != null) {
        throw new IllegalStateException("TLC holds one spec per JVM: close " + current.name
            + " before loading " + module + " with " + cfg + ".cfg");
      }
      try {
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
      } catch (IOException e) {
        throw new UncheckedIOException("TLC copies its standard modules to java.io.tmpdir, which cannot be created", e);
      }
      String specDir = dir.toAbsolutePath().normalize() + "/";
      String[] paths = new String[libraryDirs.length + 1];
      paths[0] = specDir;
      for (int i = 0; i < libraryDirs.length; i++) {
        paths[i + 1] = libraryDirs[i].toAbsolutePath().normalize() + "/";
      }
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      PrintStream saved = ToolIO.out;
      ToolIO.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
      ToolIO.reset();
      FastTool tool;
      try {
        FP64.Init(0);
        ToolIO.setUserDir(specDir);
        tool = new FastTool(specDir, module, cfg, new SimpleFilenameToStream(paths));
        tool.getActions();  // forces processing of the cfg's INIT/NEXT
      } catch (RuntimeException | Error e) {
        ToolIO.out = saved;
        throw new IllegalStateException("TLC cannot load " + module + " with " + cfg + ".cfg from "
            + dir + ":\n" + buf.toString(StandardCharsets.UTF_8).strip(), e);
      }
      Map<String, OpDefNode> defs = new LinkedHashMap<>();
      ModuleNode root = tool.getSpecProcessor().getRootModule();
      for (OpDefNode d : root.getOpDefs()) {
        defs.put(d.getName().toString(), d);
      }
      Tla tla = new Tla(tool, module + "/" + cfg, Collections.unmodifiableMap(defs), buf);
      current = tla;
      return tla;
    }
  }

  /** Releases the JVM's one spec slot; this instance refuses further calls. */
  @Override
  public void close() {
    synchronized (LOCK) {
      if (!closed) {
        closed = true;
        if (current == this) {
          current = null;
        }
      }
    }
  }

  /** {@code module/cfg} as loaded. */
  public String name() {
    return name;
  }

  /** The spec's variables, in TLC's order (not always the declaration order). */
  public List<String> variables() {
    open();
    return Arrays.stream(TLCState.vars).map(v -> v.getName().toString()).toList();
  }

  /** Every initial state. */
  public List<TlaState> initialStates() {
    open();
    return states(tool.getInitStates());
  }

  /**
   * The successors of {@code s} under the operator {@code action} applied to {@code args}
   * (Java values, converted by {@link TlaValues#toTla}), regardless of how {@code Next} is
   * written. Empty when the action is not enabled.
   */
  public List<TlaState> successors(TlaState s, String action, Object... args) {
    open();
    OpDefNode def = definition(action, args.length);
    Context ctx = context(def, args);
    return states(tool.getNextStates(new Action(def.getBody(), ctx, def), s.tlcState()));
  }

  /** One labelled step of {@code Next}: the action's name, its arguments and the next state. */
  public record Transition(String action, Map<String, Object> arguments, TlaState next) {}

  /**
   * Every successor of {@code s} under the cfg's next-state relation, labelled with the action
   * TLC split it into and that action's arguments. (TLC splits {@code Next} over {@code \/} and
   * over {@code \E} on constant sets; an {@code \E} on a state-dependent set stays unsplit.)
   */
  public List<Transition> transitions(TlaState s) {
    open();
    List<Transition> out = new ArrayList<>();
    for (Action a : tool.getActions()) {
      Map<String, Object> args = new LinkedHashMap<>();
      OpDefNode def = a.getOpDef();
      if (def != null) {
        for (FormalParamNode p : def.getParams()) {
          Object v = a.con.lookup(p);
          if (v instanceof IValue iv) {
            args.put(p.getName().toString(), TlaValues.fromTla(iv));
          }
        }
      }
      String label = a.getName() == null ? "Next" : a.getName().toString();
      for (TlaState t : states(tool.getNextStates(a, s.tlcState()))) {
        out.add(new Transition(label, Collections.unmodifiableMap(args), t));
      }
    }
    return out;
  }

  /** The names of the actions the cfg's next-state relation is made of, in TLC's order. */
  public Set<String> actionNames() {
    open();
    Set<String> out = new LinkedHashSet<>();
    for (Action a : tool.getActions()) {
      out.add(a.getName() == null ? "Next" : a.getName().toString());
    }
    return out;
  }

  /**
   * Whether {@code (s, t)} is a step of the operator {@code action} applied to {@code args}: the
   * action evaluated as a predicate with {@code s} unprimed and {@code t} primed (TLC's
   * {@code isValid}), without enumerating the action's successors. Every variable of both states
   * must be bound.
   */
  public boolean isStep(TLCState s, Pair action, TLCState t) {
    open();
    return tool.isValid(action.action, s, t);
  }

  /** An operator applied to arguments, prepared once for {@link #isStep}. */
  public static final class Pair {
    private final Action action;

    private Pair(Action action) {
      this.action = action;
    }

    /**
     * The same application with {@code given}'s definition evaluating to {@code value} in it: the
     * value is bound in the action's own context, which TLC searches before a definition's tool
     * object, so pairs checked at once on several threads each see their own (nothing shared is
     * changed).
     */
    public Pair with(Given given, IValue value) {
      return new Pair(new Action(action.pred, action.con.cons(given.def, value), action.getOpDef()));
    }
  }

  /** {@code action} applied to {@code args} (Java values, or TLC values as they are). */
  public Pair pair(String action, Object... args) {
    open();
    OpDefNode def = definition(action, args.length);
    return new Pair(new Action(def.getBody(), context(def, args), def));
  }

  /**
   * A substitution of definitions: while {@linkplain Substitution#apply applied}, every use of
   * the definition {@code module!name} evaluates the root module's definition that
   * {@code replacements} maps it to (as a cfg's {@code name <- [module] replacement} does, but
   * revertible, so one loaded spec serves both ways of evaluating).
   */
  public Substitution substitution(Map<String, String> replacements) {
    open();
    int id = tool.getId();
    List<OpDefNode> targets = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (Map.Entry<String, String> e : replacements.entrySet()) {
      String[] mn = e.getKey().split("!", 2);
      if (mn.length != 2) {
        throw new IllegalArgumentException("not module!definition: " + e.getKey());
      }
      ModuleNode m = tool.getSpecProcessor().getModuleTbl().getModuleNode(UniqueString.uniqueStringOf(mn[0]));
      if (m == null) {
        throw new IllegalArgumentException(name + " has no module " + mn[0]);
      }
      OpDefNode target = null;
      for (OpDefNode d : m.getOpDefs()) {
        if (d.getName().toString().equals(mn[1])) {
          target = d;
        }
      }
      if (target == null) {
        throw new IllegalArgumentException("module " + mn[0] + " defines no " + mn[1]);
      }
      OpDefNode by = definition(e.getValue(), target.getArity());
      targets.add(target);
      // a replacement defined in Java (defineInJava) is its method: TLC evaluates a definition
      // found as another's tool object by its body, without looking that one's tool object up
      values.add(by.getArity() > 0 && by.getToolObject(id) instanceof MethodValue inJava ? inJava : by);
    }
    return new Substitution(id, targets, values);
  }

  /**
   * Has TLC evaluate the definition {@code name} of the root module by the static method {@code
   * m}, as TLC's overrides of a module's definitions in Java do, for as long as this spec stays
   * loaded: each use calls {@code m} with the values of its arguments. {@code m} must give the
   * value the definition gives.
   */
  public void defineInJava(String name, java.lang.reflect.Method m) {
    open();
    if (!java.lang.reflect.Modifier.isStatic(m.getModifiers()) || m.getReturnType() != Value.class) {
      throw new IllegalArgumentException(m + " is not a static method giving a TLC value");
    }
    if (!java.lang.reflect.Modifier.isPublic(m.getModifiers() & m.getDeclaringClass().getModifiers())) {
      throw new IllegalArgumentException(m + ": TLC calls only public methods of public classes");
    }
    OpDefNode def = definition(name, m.getParameterCount());
    Value v = MethodValue.get(m);
    // TLC looks a definition up by its own tool object, then by its body's
    def.setToolObject(tool.getId(), v);
    def.getBody().setToolObject(tool.getId(), v);
  }

  /** A revertible substitution of definitions ({@link #substitution}); one thread at a time. */
  public static final class Substitution {
    private final int id;
    private final List<OpDefNode> targets;
    private final List<Object> replacements;
    private final Object[] saved;
    private final Object[] savedBodies;
    private boolean applied;

    private Substitution(int id, List<OpDefNode> targets, List<Object> replacements) {
      this.id = id;
      this.targets = targets;
      this.replacements = replacements;
      this.saved = new Object[targets.size()];
      this.savedBodies = new Object[targets.size()];
    }

    /** Swaps the replacements in. */
    public void apply() {
      if (applied) {
        return;
      }
      for (int i = 0; i < targets.size(); i++) {
        OpDefNode d = targets.get(i);
        saved[i] = d.getToolObject(id);
        savedBodies[i] = d.getBody().getToolObject(id);
        // TLC looks a definition up by its own tool object, then by its body's
        d.setToolObject(id, replacements.get(i));
        d.getBody().setToolObject(id, replacements.get(i));
      }
      applied = true;
    }

    /** Swaps the spec's definitions back in. */
    public void revert() {
      if (!applied) {
        return;
      }
      for (int i = 0; i < targets.size(); i++) {
        targets.get(i).setToolObject(id, saved[i]);
        targets.get(i).getBody().setToolObject(id, savedBodies[i]);
      }
      applied = false;
    }

    public boolean applied() {
      return applied;
    }
  }

  /**
   * A constant definition of the root module ({@code name == ...}, no arguments) whose value a
   * pair can be given ({@link Pair#with}): every use of {@code name} inside that pair's evaluation
   * evaluates to the value given, and the spec's definition is left as it is.
   */
  public Given given(String name) {
    open();
    return new Given(definition(name, 0));
  }

  /** A constant definition whose value a pair may be given ({@link #given}). */
  public static final class Given {
    private final OpDefNode def;

    private Given(OpDefNode def) {
      this.def = def;
    }
  }

  /** A state from TLC values, one per variable in {@link #variables()} order. */
  public TLCState rawState(tlc2.value.IValue[] values) {
    open();
    TLCState s = TLCState.Empty.createEmpty();
    OpDeclNode[] vars = TLCState.vars;
    if (values.length != vars.length) {
      throw new IllegalArgumentException(vars.length + " variables, " + values.length + " values");
    }
    for (int i = 0; i < vars.length; i++) {
      s.bind(vars[i].getName(), values[i]);
    }
    return s;
  }

  /**
   * A top-level conjunct of a cfg invariant: checked, and its verdicts memoised, on its own, by
   * the variables it reads ({@link #invariantParts}).
   *
   * @param invariant the invariant's index in cfg order
   * @param reads the variables the conjunct reads, found by walking it and every definition it
   *     uses (an instance's implicit substitution maps a name to the same name)
   */
  public record InvariantPart(int invariant, Set<String> reads) {}

  private Action[] invariantParts;

  /**
   * The cfg's invariants split into their top-level conjuncts, in cfg order: through conjunctions
   * ({@code /\}, bulleted or not), references to state-level definitions without arguments, and
   * instances without substitutions (or whose substitutions were flattened). A type invariant
   * over every variable becomes one part per variable, so a step that changes two variables
   * evaluates two small parts instead of the whole. An invariant holds exactly when each of its
   * parts does; a part whose evaluation fails on its own (a conjunct guarded by an earlier one)
   * is decided by its whole invariant ({@link #invariantHolds}). Call after any flattening.
   */
  public List<InvariantPart> invariantParts() {
    open();
    Action[] invs = tool.getInvariants();
    List<Action> parts = new ArrayList<>();
    List<InvariantPart> out = new ArrayList<>();
    for (int i = 0; i < invs.length; i++) {
      List<ExprNode> conjuncts = new ArrayList<>();
      conjuncts(invs[i].pred, conjuncts, 0);
      for (ExprNode c : conjuncts) {
        Set<String> reads = new TreeSet<>();
        reads(c, reads, new HashSet<>());
        Action part = new Action(c, invs[i].con, invs[i].getOpDef());
        part.cm = invs[i].cm;
        parts.add(part);
        out.add(new InvariantPart(i, Collections.unmodifiableSet(reads)));
      }
    }
    invariantParts = parts.toArray(Action[]::new);
    return List.copyOf(out);
  }

  /** Whether part {@code j} of the last {@link #invariantParts} holds in {@code s}. */
  public boolean invariantPartHolds(int j, TLCState s) {
    open();
    if (invariantParts == null) {
      throw new IllegalStateException("invariantParts() was not called: there are no parts to evaluate");
    }
    return tool.isValid(invariantParts[j], s);
  }

  private static final int MAX_CONJUNCT_DEPTH = 16;

  private void conjuncts(SemanticNode n, List<ExprNode> out, int depth) {
    if (depth < MAX_CONJUNCT_DEPTH) {
      if (n instanceof OpApplNode a) {
        String op = a.getOperator().getName().toString();
        ExprNode[] bounds = a.getBdedQuantBounds();
        if ((op.equals("$ConjList") || op.equals("\\land")) && (bounds == null || bounds.length == 0)) {
          for (ExprOrOpArgNode x : a.getArgs()) {
            conjuncts(x, out, depth + 1);
          }
          return;
        }
        if (a.getOperator() instanceof OpDefNode d && d.getArity() == 0 && a.getArgs().length == 0
            && d.getLevel() > 0 && d.getBody() != null && d.getToolObject(tool.getId()) == null) {
          // (a constant-level definition keeps TLC's cached value; one the cfg or TLC replaced, its replacement)
          conjuncts(d.getBody(), out, depth + 1);
          return;
        }
      }
      if (n instanceof SubstInNode si && si.getSubsts().length == 0) {
        conjuncts(si.getBody(), out, depth + 1);
        return;
      }
    }
    out.add((ExprNode) n);
  }

  /**
   * The definitions the cfg's invariants use, directly or through other definitions, each as
   * {@code module!name} (the module it is written in, its own name): what evaluating them may
   * evaluate.
   */
  public Set<String> invariantUses() {
    open();
    Set<String> uses = new TreeSet<>();
    Set<SemanticNode> seen = new HashSet<>();
    for (Action inv : tool.getInvariants()) {
      reads(inv.pred, new TreeSet<>(), seen, uses);
    }
    return Collections.unmodifiableSet(uses);
  }

  private static void reads(SemanticNode n, Set<String> out, Set<SemanticNode> seen) {
    reads(n, out, seen, null);
  }

  private static void use(OpDefNode def, Set<String> uses) {
    if (uses != null) {
      String name = def.getName().toString();
      ModuleNode in = def.getOriginallyDefinedInModuleNode();
      uses.add((in == null ? "?" : in.getName().toString()) + "!" + name.substring(name.lastIndexOf('!') + 1));
    }
  }

  /** {@link #reads} collecting also the definitions met in {@code uses} (when not null). */
  private static void reads(SemanticNode n, Set<String> out, Set<SemanticNode> seen, Set<String> uses) {
    if (n == null || !seen.add(n)) {
      return;
    }
    switch (n) {
      case OpApplNode a -> {
        SymbolNode op = a.getOperator();
        if (op instanceof OpDeclNode d && d.getKind() == ASTConstants.VariableDeclKind) {
          out.add(d.getName().toString());
        } else if (op instanceof OpDefNode def) {
          use(def, uses);
          reads(def.getBody(), out, seen, uses);
        }
        for (ExprOrOpArgNode x : a.getArgs()) {
          reads(x, out, seen, uses);
        }
        for (ExprNode b : a.getBdedQuantBounds()) {
          reads(b, out, seen, uses);
        }
      }
      case LetInNode l -> {
        for (OpDefNode d : l.getLets()) {
          reads(d.getBody(), out, seen, uses);
        }
        reads(l.getBody(), out, seen, uses);
      }
      case SubstInNode si -> {
        for (Subst sub : si.getSubsts()) {
          if (!sub.isImplicit()) {
            reads(sub.getExpr(), out, seen, uses);
          }
        }
        reads(si.getBody(), out, seen, uses);
      }
      case OpArgNode oa -> {
        if (oa.getOp() instanceof OpDefNode def) {
          use(def, uses);
          reads(def.getBody(), out, seen, uses);
        }
      }
      case LabelNode ln -> reads((SemanticNode) ln.getBody(), out, seen, uses);
      default -> { }
    }
  }

  /**
   * Drops the substitutions of every {@code INSTANCE} whose parameters are all substituted by
   * the instantiating module's parameters of the same name and kind ({@code PM == INSTANCE
   * PeerManager} in {@code Pex.tla}: each constant and variable by itself). TLC evaluates each
   * use of such a definition by pushing every substitution onto its context (dozens of entries,
   * then walked by every name looked up inside); without them a variable is looked up by its name
   * in the state, as it was, and a constant by its value, which this gives the instantiated
   * module's declaration (the same value as the one substituted for it). A substitution of another
   * kind (an expression, another name, a constant without a value) leaves its instance as it is.
   * Returns the number of definitions flattened.
   */
  public int flattenIdentityInstances() {
    open();
    int id = tool.getId();
    int flattened = 0;
    java.lang.reflect.Field substs;
    try {
      substs = SubstInNode.class.getDeclaredField("substs");
      substs.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return 0; // another TLC: evaluate as parsed
    }
    Map<Object, Object> constants = new java.util.IdentityHashMap<>();
    for (ModuleNode m : tool.getSpecProcessor().getModuleTbl().getModuleNodes()) {
      for (OpDefNode d : m.getOpDefs()) {
        if (!(d.getBody() instanceof SubstInNode si) || si.getSubsts().length == 0) {
          continue;
        }
        boolean identity = true;
        for (Subst sub : si.getSubsts()) {
          OpDeclNode param = sub.getOp();
          if (!(sub.getExpr() instanceof OpApplNode use) || use.getArgs().length != 0
              || !(use.getOperator() instanceof OpDeclNode by) || by.getKind() != param.getKind()
              || !by.getName().equals(param.getName())) {
            identity = false;
            break;
          }
          if (param.getKind() == ASTConstants.ConstantDeclKind) {
            Object value = by.getToolObject(id);
            Object own = param.getToolObject(id);
            if (value == null || (own != null && own != value && !own.equals(value))) {
              identity = false;
              break;
            }
            constants.put(param, value);
          } else if (param.getKind() != ASTConstants.VariableDeclKind) {
            identity = false;
            break;
          }
        }
        if (!identity) {
          continue;
        }
        try {
          substs.set(si, new Subst[0]);
        } catch (IllegalAccessException e) {
          continue;
        }
        flattened++;
      }
    }
    constants.forEach((param, value) -> ((OpDeclNode) param).setToolObject(id, value));
    return flattened;
  }

  /** The cfg's invariants that the TLC state {@code s} violates; empty when all hold. */
  public List<String> violatedInvariants(TLCState s) {
    return violatedInvariants(new TlaState(s));
  }

  /** Whether the cfg's invariant number {@code i} (cfg order) holds in {@code s}. */
  public boolean invariantHolds(int i, TLCState s) {
    open();
    return tool.isValid(tool.getInvariants()[i], s);
  }

  /** Wraps a TLC state (its fingerprint computed now). */
  public TlaState wrap(TLCState s) {
    return new TlaState(s);
  }

  /** The names of the cfg's INVARIANTs. */
  public List<String> invariantNames() {
    open();
    return List.of(tool.getInvNames());
  }

  /** The cfg's invariants that {@code s} violates, in cfg order; empty when all hold. */
  public List<String> violatedInvariants(TlaState s) {
    open();
    Action[] invs = tool.getInvariants();
    String[] names = tool.getInvNames();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < invs.length; i++) {
      if (!tool.isValid(invs[i], s.tlcState())) {
        out.add(names[i]);
      }
    }
    return out;
  }

  /** Whether the Boolean definition {@code name} (an invariant, say) holds in {@code s}. */
  public boolean holds(String name, TlaState s, Object... args) {
    Object v = eval(name, s, args);
    if (!(v instanceof Boolean b)) {
      throw new IllegalArgumentException(name + " is not a Boolean: it evaluates to " + v);
    }
    return b;
  }

  /** The value of the definition {@code name} applied to {@code args}, in state {@code s}. */
  public Object eval(String name, TlaState s, Object... args) {
    open();
    OpDefNode def = definition(name, args.length);
    Value v = tool.eval(def.getBody(), context(def, args), s.tlcState(), TLCState.Empty,
        EvalControl.Clear, CostModel.DO_NOT_RECORD);
    return TlaValues.fromTla(v);
  }

  /** The names of the CONSTANTs the root module declares or extends (a cfg gives each a value). */
  public List<String> constantNames() {
    open();
    List<String> out = new ArrayList<>();
    for (OpDeclNode d : tool.getSpecProcessor().getRootModule().getConstantDecls()) {
      out.add(d.getName().toString());
    }
    return out;
  }

  /** The value the cfg gives the CONSTANT {@code name} (or a constant-level definition's value). */
  public Object constant(String name) {
    open();
    SymbolNode sym = tool.getSpecProcessor().getRootModule().getContext()
        .getSymbol(UniqueString.uniqueStringOf(name));
    if (sym == null) {
      throw new IllegalArgumentException(this.name + " declares no constant or definition " + name);
    }
    Object v = tool.lookup(sym);
    if (v instanceof IValue iv) {
      return TlaValues.fromTla(iv);
    }
    if (v instanceof OpDefNode def && def.getArity() == 0) {
      return TlaValues.fromTla(tool.eval(def.getBody(), Context.Empty, TLCState.Empty,
          TLCState.Empty, EvalControl.Clear, CostModel.DO_NOT_RECORD));
    }
    throw new IllegalArgumentException(name + " has no constant value in " + this.name);
  }

  /**
   * A state built from Java values, one per variable ({@link TlaValues#toTla}).
   *
   * @throws IllegalArgumentException when a variable is missing or unknown
   */
  public TlaState state(Map<String, ?> values) {
    open();
    List<String> vars = variables();
    for (String k : values.keySet()) {
      if (!vars.contains(k)) {
        throw new IllegalArgumentException("the spec has no variable " + k + "; variables: " + vars);
      }
    }
    TLCState s = TLCState.Empty.createEmpty();
    for (String v : vars) {
      if (!values.containsKey(v)) {
        throw new IllegalArgumentException("no value for variable " + v + "; every variable needs one");
      }
      s.bind(UniqueString.uniqueStringOf(v), TlaValues.toTla(values.get(v)));
    }
    return new TlaState(s);
  }

  /** What TLC printed while loading and evaluating (warnings, for instance). */
  public String messages() {
    return messages.toString(StandardCharsets.UTF_8);
  }

  private OpDefNode definition(String name, int arity) {
    OpDefNode def = definitions.get(name);
    if (def == null) {
      throw new IllegalArgumentException(this.name + " has no definition " + name);
    }
    if (def.getArity() != arity) {
      throw new IllegalArgumentException(name + " takes " + def.getArity() + " arguments, got " + arity);
    }
    return def;
  }

  private static Context context(OpDefNode def, Object[] args) {
    Context ctx = Context.Empty;
    FormalParamNode[] params = def.getParams();
    for (int i = 0; i < params.length; i++) {
      ctx = ctx.cons(params[i], TlaValues.toTla(args[i]));
    }
    return ctx;
  }

  private static List<TlaState> states(StateVec sv) {
    List<TlaState> out = new ArrayList<>(sv.size());
    for (int i = 0; i < sv.size(); i++) {
      out.add(new TlaState(sv.elementAt(i)));
    }
    return out;
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException(name + " is closed; load it again to use it");
    }
  }
}
